/**
 * SQLite's WAL checkpoints, moved off the event loop. A checkpoint copies the pages committed to
 * the WAL into the database file and fsyncs it: with thousands of positions a second that is a
 * stall of ~10 ms on the thread that runs it, one or two times a second. Here a worker thread
 * (checkpoint-worker.ts) with its own connection runs PASSIVE checkpoints every `intervalMs`,
 * which never block a writer. The writer keeps SQLite's automatic checkpoint: only a checkpoint
 * that runs between two commits can let the next commit rewind the WAL to its start, so that
 * one stays on the writer's thread, and finds little left to copy. The worker is an
 * optimisation only: if it cannot start, checkpoints go on as before and `onFailure` says why.
 * A round that fails once the worker runs (the data folder turned read-only, the disk is full)
 * does not end it: `onStalled` says why, the worker tries again every interval, and `onResumed`
 * says when a round succeeds again (a storage failure is usually temporary).
 *
 * The two threads share a small Int32Array (SLOT): the worker sleeps on WAKE between rounds and
 * reports its progress there, so stopping is synchronous (the worker's connection closes before
 * the writer's, which then removes the WAL as the last connection).
 */
import { Worker } from 'node:worker_threads';
import { workerScript } from '../companion-workers';

export const SLOT = {
  /** 1: the worker should close its connection and end */
  STOP: 0,
  /** bumped to wake the worker before its interval is over */
  WAKE: 1,
  /** one of STATE */
  STATE: 2,
  /** PASSIVE checkpoints run so far */
  PASSES: 3,
  /** frames in the WAL and of them copied into the database, at the last pass */
  LOG: 4,
  CHECKPOINTED: 5,
  /** 1 while the last round failed (the file cannot be written now); the worker keeps trying */
  STALLED: 6,
} as const;
const SLOTS = 7;

export const STATE = { STARTING: 0, RUNNING: 1, CLOSED: 2, FAILED: 3 } as const;

export interface CheckpointWorkerData {
  file: string;
  nativeBinding?: string;
  synchronous: 'FULL' | 'NORMAL';
  intervalMs: number;
  slots: SharedArrayBuffer;
}

export interface CheckpointerOptions {
  /** the SQLite file (its WAL is `${file}-wal`) */
  file: string;
  /** better-sqlite3's binding for this runtime (database.ts bindingFor) */
  nativeBinding?: string;
  /** the writer's: the worker's fsyncs must be as careful as the commits */
  synchronous: 'FULL' | 'NORMAL';
  /** between two rounds of checkpoints; default 250 ms */
  intervalMs?: number;
  /** the worker could not start or stopped: checkpoints stay on the writer's thread */
  onFailure?: (reason: string) => void;
  /** the worker has opened the file and runs */
  onRunning?: () => void;
  /** a round failed (the data folder read-only, the disk full, …): the worker tries again every interval */
  onStalled?: (reason: string) => void;
  /** a round succeeded again after `onStalled` */
  onResumed?: () => void;
}

export interface CheckpointProgress {
  running: boolean;
  passes: number;
  /** frames in the WAL at the last pass, and how many of them are in the database file */
  log: number;
  checkpointed: number;
  /** the last round failed; the worker tries again every interval */
  stalled: boolean;
}

export class Checkpointer {
  private readonly slots = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker | null = null;
  private failed = false;
  private stopped = false;

  constructor(private readonly options: CheckpointerOptions) {
    const { script, eval: isEval } = workerScript('checkpoint-worker');
    const workerData: CheckpointWorkerData = {
      file: options.file,
      nativeBinding: options.nativeBinding,
      synchronous: options.synchronous,
      intervalMs: options.intervalMs ?? 250,
      slots: this.slots.buffer as SharedArrayBuffer,
    };
    try {
      this.worker = new Worker(script, { eval: isEval, workerData, stdout: false, stderr: false });
    } catch (err) {
      this.fail(`the checkpoint thread could not start: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.worker.unref();
    this.worker.on('message', (m: { failure?: string; running?: boolean; stalled?: string; resumed?: boolean }) => {
      if (m.failure) this.fail(m.failure);
      else if (this.stopped || this.failed) return;
      else if (m.running) this.options.onRunning?.();
      else if (m.stalled) this.options.onStalled?.(m.stalled);
      else if (m.resumed) this.options.onResumed?.();
    });
    this.worker.on('error', (err) => this.fail(`the checkpoint thread failed: ${err.message}`));
    this.worker.on('exit', (code) => {
      if (!this.stopped && code !== 0) this.fail(`the checkpoint thread ended (exit code ${code})`);
    });
  }

  progress(): CheckpointProgress {
    return {
      running: !this.failed && !this.stopped && Atomics.load(this.slots, SLOT.STATE) === STATE.RUNNING,
      passes: Atomics.load(this.slots, SLOT.PASSES),
      log: Atomics.load(this.slots, SLOT.LOG),
      checkpointed: Atomics.load(this.slots, SLOT.CHECKPOINTED),
      stalled: Atomics.load(this.slots, SLOT.STALLED) === 1,
    };
  }

  /** Starts a round now instead of at the end of the interval. */
  wake(): void {
    Atomics.add(this.slots, SLOT.WAKE, 1);
    Atomics.notify(this.slots, SLOT.WAKE);
  }

  /** Resolves when the worker has run `passes` checkpoints in all (for tests and tools). */
  async passes(passes: number, timeoutMs = 10_000): Promise<void> {
    const until = performance.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.slots, SLOT.PASSES);
      if (seen >= passes) return;
      if (this.failed || this.stopped) throw new Error('the checkpoint thread is not running');
      const left = until - performance.now();
      if (left <= 0) throw new Error(`the checkpoint thread ran ${seen} of ${passes} checkpoints in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 10)));
    }
  }

  /**
   * Closes the worker's connection and ends it, synchronously (the writer's connection closes
   * next and should be the last). Waits at most `timeoutMs` for a checkpoint under way; a
   * worker still starting is not waited for (it looks at STOP before it opens the file).
   */
  stop(timeoutMs = 5_000): void {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.worker) return;
    Atomics.store(this.slots, SLOT.STOP, 1);
    this.wake();
    const until = performance.now() + timeoutMs;
    for (;;) {
      const state = Atomics.load(this.slots, SLOT.STATE);
      const left = until - performance.now();
      if (state !== STATE.RUNNING || left <= 0) break;
      Atomics.wait(this.slots, SLOT.STATE, state, left);
    }
    void this.worker.terminate();
  }

  private fail(reason: string): void {
    if (this.failed || this.stopped) return;
    this.failed = true;
    this.options.onFailure?.(reason);
    void this.worker?.terminate();
  }
}
