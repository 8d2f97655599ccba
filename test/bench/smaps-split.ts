/**
 * Splits a process's resident memory by where it lives, from the text of Linux's
 * `/proc/<pid>/smaps` (used by smaps-watch.ts beside a soak).
 *
 * V8 (Node's build, without pointer compression) maps each page of its heap on its own: a
 * 256 KiB read-write anonymous mapping. A page V8 has committed but not yet filled is only
 * partly resident (a fresh one has just its header and a free-list entry, 8 KB, in memory), so
 * `v8UntouchedMb` — committed minus resident over those pages — is how much RSS can still grow
 * without V8 committing more.
 *
 * Any other 256 KiB writable anonymous mapping is counted with them (V8 may also keep pages it
 * has freed mapped for reuse), so "committed" here can exceed V8's own figure; what it is for is
 * watching the resident part of a steady committed heap fill up over a long run.
 */
export interface SmapsSplit {
  /** every mapping's resident memory (the process's RSS), MB; the parts below leave out the stack and the kernel's own mappings */
  rssMb: number;
  /** V8's 256 KiB heap pages: how many, and their size (committed) and resident part, MB */
  v8Pages: number;
  v8CommittedMb: number;
  v8ResidentMb: number;
  /** committed minus resident over V8's pages: room RSS can still take without V8 committing more */
  v8UntouchedMb: number;
  /** glibc's main heap (`[heap]`), MB resident */
  mallocHeapMb: number;
  /** other anonymous memory: glibc's thread arenas, thread stacks, V8's code and large objects */
  otherAnonMb: number;
  /** file-backed mappings: node's binary, shared libraries, SQLite's -shm file */
  fileMb: number;
}

const V8_PAGE_KB = 256;
const HEADER = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/;
const mb = (kb: number): number => Math.round((kb / 1024) * 10) / 10;

export function splitSmaps(text: string): SmapsSplit {
  let kind: 'v8' | 'heap' | 'anon' | 'file' | 'other' = 'other';
  const kb = { v8: 0, heap: 0, anon: 0, file: 0, other: 0 };
  let v8Pages = 0;
  let writable = false;
  for (const line of text.split('\n')) {
    const head = HEADER.exec(line);
    if (head) {
      const [, perms, name] = head as unknown as [string, string, string];
      kind = name === '[heap]' ? 'heap' : name === '' ? 'anon' : name.startsWith('[') ? 'other' : 'file';
      writable = perms.startsWith('rw');
      continue;
    }
    if (line.startsWith('Size:')) {
      if (kind === 'anon' && writable && Number(line.split(/\s+/)[1]) === V8_PAGE_KB) {
        kind = 'v8';
        v8Pages++;
      }
    } else if (line.startsWith('Rss:')) {
      kb[kind] += Number(line.split(/\s+/)[1]);
    }
  }
  const committedKb = v8Pages * V8_PAGE_KB;
  return {
    rssMb: mb(kb.v8 + kb.heap + kb.anon + kb.file + kb.other),
    v8Pages,
    v8CommittedMb: mb(committedKb),
    v8ResidentMb: mb(kb.v8),
    v8UntouchedMb: mb(committedKb - kb.v8),
    mallocHeapMb: mb(kb.heap),
    otherAnonMb: mb(kb.anon),
    fileMb: mb(kb.file),
  };
}
