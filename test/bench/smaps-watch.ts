/**
 * `npm run bench:smaps -- [--match bench-server.cjs] [--every 60]`: beside a soak (another
 * terminal), prints each interval where the server's resident memory lives (smaps-split.ts): V8's
 * heap pages (committed, resident, and the untouched rest RSS can still grow into), glibc's main
 * heap, other anonymous memory, files. It finds the process whose command line contains
 * `--match` (by default the benchmark server child) and stops when that process exits. Linux only.
 *
 * Reading /proc/<pid>/smaps briefly holds the process's memory-map lock, so keep `--every` at a
 * minute or so during a measured run.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { splitSmaps } from './smaps-split';

const USAGE = 'usage: npm run bench:smaps -- [--match bench-server.cjs] [--every 60]';
let opts: { match: string; every: string };
try {
  opts = parseArgs({ options: { match: { type: 'string', default: 'bench-server.cjs' }, every: { type: 'string', default: '60' } }, strict: true }).values as typeof opts;
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const everyS = Number(opts.every);
if (!(everyS >= 1)) {
  console.error(`--every must be a number of seconds, 1 or more\n${USAGE}`);
  process.exit(2);
}

function findPid(match: string): number | null {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(match) && !cmd.includes('smaps-watch')) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return null;
}

if (!fs.existsSync('/proc/self/smaps')) {
  console.error('bench:smaps reads /proc/<pid>/smaps, which only Linux has');
  process.exit(2);
}
let pid: number | null = null;
process.stderr.write(`[smaps] waiting for a process whose command line contains "${opts.match}"\n`);
while (pid === null) {
  pid = findPid(opts.match);
  if (pid === null) await new Promise((r) => setTimeout(r, 1000));
}
process.stderr.write(`[smaps] pid ${pid}, every ${everyS} s (MB)\n`);
const t0 = Date.now();
for (;;) {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    process.stderr.write('[smaps] the process has exited\n');
    break;
  }
  const s = splitSmaps(text);
  const min = ((Date.now() - t0) / 60_000).toFixed(1);
  console.log(`${min} min  rss ${s.rssMb}  v8 pages ${s.v8Pages}: committed ${s.v8CommittedMb} resident ${s.v8ResidentMb} untouched ${s.v8UntouchedMb}  malloc heap ${s.mallocHeapMb}  other anon ${s.otherAnonMb}  files ${s.fileMb}`);
  await new Promise((r) => setTimeout(r, everyS * 1000));
}
