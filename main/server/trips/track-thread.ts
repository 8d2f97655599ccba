/**
 * Trip ends, and trips in progress as the console asks for them, off the event loop. Recording a finished trip reads every fix of it (and, for a
 * merge, of the trips it joins), judges and processes them: with a fleet's fixes interleaved in
 * the file, each fix of one device sits on its own page, so a 30-minute trip is ~1,800 page reads
 * plus the processing, ~10-30 ms in one piece on the event loop, longer as trips and merged days
 * grow. Here a worker thread (track-worker.ts) with its own read-only connection does that part;
 * TripService still decides (overlap, merge) and records the outcome in one transaction on the
 * writer's connection. A trip in progress is the same reading and processing, from its start to
 * its newest fix, for the console's trip page and the fleet's day summary.
 *
 * The thread starts at the first trip end. It is an optimisation only: when it cannot start or
 * fails, `run` rejects and the caller computes in the event loop as before; `onFailure` says why
 * once.
 */
import { Worker } from 'node:worker_threads';
import { workerScript } from '../companion-workers';
import type { ProcessedTrack } from './process';
import type { ProgressJob, ProgressTotals, TrackJob, TrackOutcome } from './track-job';

export interface TrackWorkerData {
  /** the SQLite file */
  file: string;
  /** better-sqlite3's binding for this runtime (store/database.ts bindingFor) */
  nativeBinding?: string;
  /** the thread collects its heap in full at most this often, after a job (heap-collector.ts); default TRACK_HEAP_COLLECT_MS */
  collectEveryMs?: number;
}

/**
 * How often, at most, the thread collects its heap in full after a job: a ~10 MB heap takes a
 * few milliseconds of the thread's time, none of the event loop's.
 */
export const TRACK_HEAP_COLLECT_MS = 10_000;

/** The thread's own heap (its isolate's, not the process's) and the most fixes one job read since the previous ask. */
export interface TrackThreadStats {
  heapTotalBytes: number;
  heapUsedBytes: number;
  /** what the thread's V8 holds from malloc outside its heap */
  mallocedBytes: number;
  externalBytes: number;
  /** jobs run since the previous ask, and the most fixes one of them read */
  jobs: number;
  largestJobFixes: number;
  /** full collections the thread has run (heap-collector.ts) */
  collections: number;
}

export type TrackRequest = { id: number; job: TrackJob } | { id: number; progress: ProgressJob; totals: boolean } | { id: number; stats: true } | { stop: true };
type TrackReply = { running: true } | { failure: string } | { id: number; outcome: unknown } | { id: number; error: string };

export interface TrackThreadOptions extends TrackWorkerData {
  /** the thread could not start or stopped: trip ends are computed in the event loop */
  onFailure?: (reason: string) => void;
}

interface Pending {
  resolve: (outcome: never) => void;
  reject: (err: Error) => void;
  /** a job (counted in `answered`), not a question about the thread */
  job: boolean;
}

export class TrackThread {
  private worker: Worker | null = null;
  private exited: Promise<void> | null = null;
  private failure: string | null = null;
  private stopped = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: TrackThreadOptions) {}

  /** Jobs answered so far by the thread (for tests and tools). */
  answered = 0;

  /** True while the thread can take jobs (before its first job: not started yet, but not failed). */
  get available(): boolean {
    return this.failure === null && !this.stopped;
  }

  /** A trip end's outcome from the thread; rejects when the thread is not available or the job failed there. */
  run(job: TrackJob): Promise<TrackOutcome> {
    return this.send<TrackOutcome>((id) => ({ id, job }));
  }

  /** A trip in progress processed on the thread (the same rejections). */
  progress(job: ProgressJob): Promise<ProcessedTrack> {
    return this.send<ProcessedTrack>((id) => ({ id, progress: job, totals: false }));
  }

  /** Only its totals: what crosses back to the event loop stays small for a whole fleet. */
  progressTotals(job: ProgressJob): Promise<ProgressTotals> {
    return this.send<ProgressTotals>((id) => ({ id, progress: job, totals: true }));
  }

  /** The thread's memory and its largest job since the previous ask (for the soak); null before it starts or once it failed. */
  stats(): Promise<TrackThreadStats | null> {
    if (!this.worker || !this.available) return Promise.resolve(null);
    return this.send<TrackThreadStats>((id) => ({ id, stats: true }), false);
  }

  private send<T>(request: (id: number) => TrackRequest, job = true): Promise<T> {
    if (!this.available) return Promise.reject(new Error(this.failure ?? 'the track thread is stopped'));
    const worker = this.worker ?? this.start();
    if (!worker) return Promise.reject(new Error(this.failure ?? 'the track thread could not start'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (outcome: never) => void, reject, job });
      if (this.pending.size === 1) worker.ref(); // an answer is awaited: keep the process alive for it
      worker.postMessage(request(id));
    });
  }

  /** Closes the thread's connection and ends it (the writer's connection should be the last to close). */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.rejectAll('the track thread is stopped');
    const worker = this.worker;
    if (!worker || !this.exited) return;
    worker.postMessage({ stop: true } satisfies TrackRequest);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    const how = await Promise.race([this.exited.then(() => 'exited' as const), late]);
    clearTimeout(timer);
    if (how === 'late') await worker.terminate();
  }

  private start(): Worker | null {
    const { script, eval: isEval } = workerScript('track-worker');
    const workerData: TrackWorkerData = { file: this.options.file, nativeBinding: this.options.nativeBinding, collectEveryMs: this.options.collectEveryMs };
    let worker: Worker;
    try {
      worker = new Worker(script, { eval: isEval, workerData, stdout: false, stderr: false });
    } catch (err) {
      this.fail(`the track thread could not start: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
    this.worker = worker;
    worker.unref();
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (m: TrackReply) => {
      if ('failure' in m) return this.fail(m.failure);
      if (!('id' in m)) return;
      const job = this.pending.get(m.id);
      if (!job) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if ('outcome' in m) {
        if (job.job) this.answered++;
        job.resolve(m.outcome as never);
      } else job.reject(new Error(m.error));
    });
    worker.on('error', (err) => this.fail(`the track thread failed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.stopped) this.fail(`the track thread ended (exit code ${code})`);
    });
    return worker;
  }

  private fail(reason: string): void {
    if (this.failure !== null || this.stopped) return;
    this.failure = reason;
    this.rejectAll(reason);
    this.options.onFailure?.(reason);
    void this.worker?.terminate();
  }

  private rejectAll(reason: string): void {
    for (const job of this.pending.values()) job.reject(new Error(reason));
    this.pending.clear();
    this.worker?.unref();
  }
}
