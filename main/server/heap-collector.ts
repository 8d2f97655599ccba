/**
 * A full garbage collection of this thread's heap, asked for through the inspector (no
 * `--expose-gc` needed), at most once every `everyMs`. V8's memory reducer, which would give back
 * the heap a burst of work leaves behind once a thread falls idle, is off in this process
 * (`--no-memory-reducer`, v8-flags.ts: it paused the event loop at the wrong moments). A worker
 * thread that has no latency to protect (the track thread) collects for itself instead: without
 * it, its heap grew with the longest trips read so far (7 → 13 MB over a 30-minute soak).
 *
 * Where the inspector is not available (a Node built without it), `afterWork` does nothing. The
 * cadence is the thread's own monotonic time (a worker has no server clock); tests set `everyMs` 0.
 */
import { Session } from 'node:inspector';

export interface HeapCollector {
  /** after a piece of work: collects in full when `everyMs` has passed since the previous collection */
  afterWork(): void;
  /** full collections run so far */
  readonly collections: number;
  close(): void;
}

export function heapCollector(everyMs: number, now: () => number = () => performance.now()): HeapCollector {
  let session: Session | null = null;
  try {
    session = new Session();
    session.connect();
  } catch {
    session = null;
  }
  let last = now();
  let running = false;
  const collector = {
    collections: 0,
    afterWork(): void {
      if (!session || running || now() - last < everyMs) return;
      running = true;
      session.post('HeapProfiler.collectGarbage', () => {
        collector.collections++;
        last = now();
        running = false;
      });
    },
    close(): void {
      // not from inside the inspector's own callback (disconnecting there throws)
      const s = session;
      session = null;
      if (s) setImmediate(() => s.disconnect());
    },
  };
  return collector;
}
