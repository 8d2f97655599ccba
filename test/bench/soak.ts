/**
 * `npm run soak -- --minutes N`: a long ws-bench run (2,000 drivers at 1 Hz, 5 offices on
 * company:drivers, a few OsmAnd phones over HTTP) against a FleetDesk child process. ws-bench
 * prints, every minute, the server's RSS, heap used, worst event-loop lag (reported by the
 * child over IPC, see child-host.ts) and driver→office latency p50/p99; at the end this prints
 * the least-squares slope of each per minute and whether it is within noise (±2 standard errors),
 * over every minute (the verdict and the exit code) and again from minute `--settle` on (default
 * 6), for a run long enough: the first minutes are V8's warm-up.
 *
 * The database starts with `--history` minutes (default 10) of 1 Hz fixes for every driver, as
 * a fleet's database has after its first day: on an empty one each commit writes more pages for
 * the first ~5 minutes (at first many devices share an index leaf page; once every device has its
 * own, a commit of n fixes writes n pages), so the commit cost, and with it p99, climbs once and
 * then stays level. `--history 0` measures that from an empty database.
 *
 *   npm run soak -- --minutes 30 [--drivers 2000] [--offices 5] [--phones 3] [--history 10] [--settle 6]
 *
 * One JSON object goes to stdout (ws-bench's figures plus the slopes); progress to stderr.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fitLine } from './fit';

const USAGE = 'usage: npm run soak -- --minutes 30 [--drivers 2000] [--offices 5] [--phones 3] [--history 10] [--settle 6]';
let opts: { minutes: string; drivers: string; offices: string; phones: string; history: string; settle: string };
try {
  opts = parseArgs({
    options: {
      minutes: { type: 'string', default: '30' },
      drivers: { type: 'string', default: '2000' },
      offices: { type: 'string', default: '5' },
      phones: { type: 'string', default: '3' },
      history: { type: 'string', default: '10' },
      settle: { type: 'string', default: '6' },
    },
    strict: true,
  }).values as typeof opts;
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const minutes = Number(opts.minutes);
const settle = Number(opts.settle);
if (!Number.isInteger(settle) || settle < 1) {
  console.error(`--settle must be a whole minute from 1 on\n${USAGE}`);
  process.exit(2);
}
if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
  console.error(`--minutes must be a whole number from 1 to 1440\n${USAGE}`);
  process.exit(2);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const args = ['--drivers', opts.drivers, '--offices', opts.offices, '--phones', opts.phones, '--history', opts.history, '--duration', String(minutes * 60), '--warmup', '5'];
process.stderr.write(`[soak] ws-bench ${args.join(' ')}\n`);
const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'ws-bench.ts'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
const result = JSON.parse(out) as {
  minutes: { minute: number; rssMb: number; heapUsedMb: number; heapCommittedMb: number; newSpaceMb: number; restMb: number; v8MallocedMb: number; externalMb: number; loopLagMaxMs: number; cpuPct: number | null; clientCpuPct: number; gcPauseMaxMs: number; commitMaxMs: number; commitMeanMs: number | null; diskReadKb: number; v8PagesResidentMb: number | null; v8PagesUntouchedMb: number | null; mallocHeapMb: number | null; otherAnonMb: number | null; threadHeapMb: number | null; threadMallocedMb: number | null; threadLargestJobFixes: number | null; latencyP50Ms: number | null; latencyP99Ms: number | null }[];
  persistence: { ok: boolean | null };
  phones: { ok: number; failed: number } | null;
  errors: { total: Record<string, number> };
};

const series = { rssMb: 'MB', heapUsedMb: 'MB', loopLagMaxMs: 'ms', latencyP50Ms: 'ms', latencyP99Ms: 'ms' } as const;
/** printed to explain a slope (RSS split into V8's heap, its young generation and the rest; glibc's heaps; the track thread's heap and its largest job; the longest GC pause, the longest commit and the event loop's reads from disk beside the loop lag; both CPUs and the mean commit beside latency); not part of the verdict */
const explainers = { heapCommittedMb: 'MB', newSpaceMb: 'MB', restMb: 'MB', v8MallocedMb: 'MB', externalMb: 'MB', v8PagesResidentMb: 'MB', v8PagesUntouchedMb: 'MB', mallocHeapMb: 'MB', otherAnonMb: 'MB', threadHeapMb: 'MB', threadMallocedMb: 'MB', threadLargestJobFixes: 'fixes', cpuPct: '%', clientCpuPct: '%', gcPauseMaxMs: 'ms', commitMaxMs: 'ms', commitMeanMs: 'ms', diskReadKb: 'KB' } as const;
const explainsWhat: Record<keyof typeof explainers, string> = { heapCommittedMb: 'of RSS', newSpaceMb: 'of RSS', restMb: 'of RSS', v8MallocedMb: 'of RSS', externalMb: 'of RSS', v8PagesResidentMb: 'of RSS', v8PagesUntouchedMb: 'room left in V8\'s committed pages', mallocHeapMb: 'of RSS', otherAnonMb: 'of RSS', threadHeapMb: 'of RSS', threadMallocedMb: 'of RSS', threadLargestJobFixes: 'beside RSS', cpuPct: 'beside latency', clientCpuPct: 'beside latency', gcPauseMaxMs: 'beside loop lag', commitMaxMs: 'beside loop lag', commitMeanMs: 'beside latency', diskReadKb: 'beside loop lag' };
type Key = keyof typeof series | keyof typeof explainers;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
type Slope = { perMinute: number; stdErr: number; withinNoise: boolean };
const slopes: Record<string, Slope> = {};
/** the same from minute `settle` on, when at least 5 minutes are left */
const settled: Record<string, Slope> = {};
const parts: Record<string, Slope> = {};
for (const [key, unit] of [...Object.entries(series), ...Object.entries(explainers)]) {
  const explains = key in explainers;
  const pts = result.minutes.flatMap((m) => {
    const v = m[key as Key];
    return v === null ? [] : [[m.minute, v] as const];
  });
  const fit = (from: number): Slope & { points: number } => {
    const f = fitLine(pts.filter(([minute]) => minute >= from));
    return { perMinute: r3(f.slope), stdErr: r3(f.slopeStdErr), withinNoise: f.withinNoise, points: pts.filter(([minute]) => minute >= from).length };
  };
  const say = (s: Slope) => `slope ${s.perMinute} ${unit}/min (±${r3(2 * s.stdErr)} is noise) ${s.withinNoise ? 'within noise' : s.perMinute > 0 ? 'RISING' : 'falling'}`;
  const { points, ...all } = fit(1);
  if (explains) parts[key] = all;
  else slopes[key] = all;
  let line = `[soak] ${explains ? `  ${explainsWhat[key as keyof typeof explainers]}, ${key}` : key}: ${say(all)}${points < 3 ? ' (fewer than 3 minutes: no verdict)' : ''}`;
  const later = fit(settle);
  if (later.points >= 5) {
    const { points: _, ...rest } = later;
    if (explains) parts[`${key}FromSettle`] = rest;
    else settled[key] = rest;
    line += `; from minute ${settle} on: ${say(rest)}`;
  }
  process.stderr.write(`${line}\n`);
}
const flat = Object.values(slopes).every((s) => s.withinNoise || s.perMinute <= 0);
const flatSettled = Object.keys(settled).length === 0 ? null : Object.values(settled).every((s) => s.withinNoise || s.perMinute <= 0);
const afterSettling = flatSettled === null ? '' : ` (from minute ${settle} on: ${flatSettled ? 'none' : 'an upward slope too'})`;
process.stderr.write(`[soak] ${flat ? 'no upward slope beyond noise' : 'an upward slope beyond noise'}${afterSettling}; every acked fix stored: ${result.persistence.ok}; phones ${JSON.stringify(result.phones)}; errors ${JSON.stringify(result.errors.total)}\n`);
process.stdout.write(`${JSON.stringify({ ...result, slopes, flat, settledFrom: settle, settled, flatSettled, explainers: parts }, null, 2)}\n`);
if (!flat || result.persistence.ok === false) process.exitCode = 1;
