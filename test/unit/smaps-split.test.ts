import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import v8 from 'node:v8';
import { splitSmaps } from '../bench/smaps-split';

/** one mapping of /proc/<pid>/smaps: its header line and the two fields splitSmaps reads */
const mapping = (range: string, perms: string, name: string, sizeKb: number, rssKb: number): string =>
  `${range} ${perms} 00000000 00:00 0 ${name}\nSize: ${sizeKb} kB\nKernelPageSize: 4 kB\nRss: ${rssKb} kB\nPss: ${rssKb} kB\n`;

test('splitSmaps sorts resident memory into V8 pages, the malloc heap, other anonymous memory and files', () => {
  const text = [
    mapping('00400000-00b6f000', 'r--p', '/usr/bin/node', 7612, 6904),
    mapping('02a4d000-043a1000', 'rw-p', '[heap]', 26000, 24900),
    mapping('1f3a56cc0000-1f3a56d00000', 'rw-p', '', 256, 256), // a full V8 page
    mapping('20d0eeac0000-20d0eeb00000', 'rw-p', '', 256, 8), // a fresh one: header and free-list entry
    mapping('20d0eeb00000-20d0eeb40000', '---p', '', 256, 0), // reserved, not committed: not a page
    mapping('7f335c29a000-7f3360000000', 'rw-p', '', 62872, 3000), // a glibc thread arena
    mapping('7ffd1000-7ffd3000', 'rw-p', '[stack]', 132, 40),
    mapping('7f3370000000-7f3370100000', 'rw-s', '/tmp/data/fleetdesk.db-shm', 1024, 512),
  ].join('');
  assert.deepEqual(splitSmaps(text), {
    rssMb: 34.8,
    v8Pages: 2,
    v8CommittedMb: 0.5,
    v8ResidentMb: 0.3,
    v8UntouchedMb: 0.2,
    mallocHeapMb: 24.3,
    otherAnonMb: 2.9,
    fileMb: 7.2,
  });
  assert.equal(splitSmaps('').v8Pages, 0);
});

test("on this machine, splitSmaps's RSS is the kernel's, and V8's own resident pages are among those it takes for V8's", { skip: !fs.existsSync('/proc/self/smaps') && 'no /proc/self/smaps (not Linux)' }, () => {
  const keep = Array.from({ length: 100_000 }, (_, i) => ({ i, s: String(i) }));
  const s = splitSmaps(fs.readFileSync('/proc/self/smaps', 'utf8'));
  const vmRssMb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;
  // V8's pages of regular size: its young generation and old space (large objects have pages of their own size)
  const pagedMb = v8
    .getHeapSpaceStatistics()
    .filter((x) => ['new_space', 'old_space'].includes(x.space_name))
    .reduce((sum, x) => sum + x.physical_space_size / 2 ** 20, 0);
  assert.ok(keep.length > 0, 'the objects stay alive until the pages are read');
  assert.ok(Math.abs(s.rssMb - vmRssMb) < Math.max(3, vmRssMb * 0.05), `RSS from smaps ${s.rssMb} MB, the kernel's VmRSS ${vmRssMb.toFixed(1)} MB`);
  assert.ok(s.v8Pages > 10, `V8 pages found: ${s.v8Pages}`);
  assert.ok(s.v8ResidentMb >= pagedMb * 0.9, `resident 256 KiB pages ${s.v8ResidentMb} MB hold V8's young and old generations' ${pagedMb.toFixed(1)} MB`);
  assert.ok(Math.abs(s.v8ResidentMb + s.v8UntouchedMb - s.v8CommittedMb) <= 0.1, 'resident and untouched add up to committed');
});
