/** Messages between the benchmark (parent) and the tracking-server child over the fork IPC channel. */

/** parent → child */
export type ToServer = { cmd: 'window-start' } | { cmd: 'window-end' } | { cmd: 'stop' };

export interface ServerSample {
  type: 'sample';
  /** the child's Date.now() */
  at: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** V8 heap committed (process.memoryUsage().heapTotal): what the heap holds of RSS */
  heapTotalBytes: number;
  /** of heapTotalBytes, V8's young generation (new space): it grows to its maximum as allocation keeps surviving */
  newSpaceBytes: number;
  /** memory of Buffers and other objects outside V8's heap (process.memoryUsage().external) */
  externalBytes: number;
  /** what V8 itself holds from malloc outside its heap (remembered sets, compiler zones, …) */
  v8MallocedBytes: number;
  /** cumulative process CPU (user + system), microseconds */
  cpuMicros: number;
  writerPending: number;
  /** the worst event-loop lag (beyond 10 ms resolution) since the previous sample, ms */
  loopLagMaxMs: number;
  /** the longest garbage-collection pause (a PerformanceObserver 'gc' entry) since the previous sample, ms */
  gcPauseMaxMs: number;
  /** the group commit's longest transaction since the previous sample, ms (0 for a reference without one) */
  commitMaxMs: number;
  /** the time of all its transactions since the previous sample, ms, and how many (0 for a reference) */
  commitTotalMs: number;
  commits: number;
  /** cumulative bytes the event loop's thread waited for from the disk (page-cache misses; Linux only, else 0) */
  diskReadBytes: number;
  /** the track thread's own V8 heap committed and V8's malloc there (null: no thread, or not started yet) */
  threadHeapTotalBytes: number | null;
  threadMallocedBytes: number | null;
  /** the most fixes one trip job read on the thread since the previous sample */
  threadLargestJobFixes: number | null;
}

/** the group-commit writer's totals (zeros for a reference without one) */
export interface WriterTotals {
  batches: number;
  stored: number;
  duplicates: number;
  maxBatch: number;
}

/** How late timers ran (the event loop's lag beyond the sampling resolution). */
export interface LoopDelay {
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** event-loop utilisation (0–1) over the measured window */
  utilization: number;
}

/** child → parent */
export type FromServer =
  | { type: 'ready'; port: number; pid: number }
  | ServerSample
  | { type: 'window'; cpuMs: number; wallMs: number; loopDelay: LoopDelay }
  /** heapLiveBytes: the heap after a full collection once the load was over (before the server stopped) */
  | { type: 'stopped'; writer: WriterTotals; rssBytes: number; heapLiveBytes: number; stopMs: number }
  | { type: 'failed'; message: string };
