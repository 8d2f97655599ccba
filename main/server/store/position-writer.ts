import type { Db } from './database';
import type { PositionRecord } from '../ingest/position';
import { PositionStore } from './positions';

export interface PendingWrite {
  userPk: number;
  position: PositionRecord;
  source: string;
  /** positions.flags, e.g. FLAG_IMPLAUSIBLE; default 0 */
  flags?: number;
  /** Called after the transaction that holds this position committed (or failed). */
  done: (err: Error | null, stored: boolean) => void;
}

export interface WriterOptions {
  /** How long the first queued position waits for company before the batch commits. */
  windowMs: number;
  /** A batch this large commits at once. */
  maxBatch: number;
}

/**
 * Group commit: positions queue for a few milliseconds and are written in one transaction.
 * Callers learn the outcome only after COMMIT, so an ack always means "on disk".
 */
export class PositionWriter {
  private queue: PendingWrite[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly writeBatch;
  private closed = false;
  /** Totals since start, for the health and benchmark figures. */
  readonly stats = { batches: 0, stored: 0, duplicates: 0, maxBatch: 0, failed: 0 };
  /** transactions (commit included) since takeCommitTimes last asked: the benchmark's longest and mean commit */
  private commitTimes = { longestMs: 0, totalMs: 0, count: 0 };
  /** the error of the last write when writes fail (disk full, …); null while they succeed */
  private failure: Error | null = null;
  private healthListener: ((failure: Error | null) => void) | null = null;

  constructor(
    db: Db,
    private readonly positions: PositionStore,
    private readonly options: WriterOptions,
  ) {
    this.writeBatch = db.transaction((batch: PendingWrite[]) => batch.map((w) => this.positions.insert(w.userPk, w.position, w.source, w.flags ?? 0)));
  }

  /** Told once when writes start failing (with the error) and once when they succeed again (null), for the log. */
  onHealthChange(listener: (failure: Error | null) => void): void {
    this.healthListener = listener;
  }

  get pending(): number {
    return this.queue.length;
  }

  enqueue(write: PendingWrite): void {
    if (this.closed) {
      write.done(new Error('the server is shutting down'), false);
      return;
    }
    this.queue.push(write);
    if (this.queue.length >= this.options.maxBatch) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.windowMs);
  }

  /** Commits everything queued now. Synchronous: when it returns, every callback has run. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const results = this.tryWrite(batch);
    if (results instanceof Error) {
      if (batch.length === 1) return this.failed(batch[0] as PendingWrite, results);
      // One bad write (its user deleted meanwhile, …) must not sink the others of its batch:
      // the transaction rolled back, so write them again one by one.
      for (const w of batch) {
        const r = this.tryWrite([w]);
        if (r instanceof Error) this.failed(w, r);
        else this.committed([w], r);
      }
      return;
    }
    this.committed(batch, results);
  }

  private tryWrite(batch: PendingWrite[]): boolean[] | Error {
    const t0 = performance.now();
    try {
      return this.writeBatch(batch);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    } finally {
      const ms = performance.now() - t0;
      const t = this.commitTimes;
      t.longestMs = Math.max(t.longestMs, ms);
      t.totalMs += ms;
      t.count++;
    }
  }

  /**
   * The transactions since the last call, and starts over: the longest (ms: how long the event
   * loop waited on SQLite at worst), their total time and how many.
   */
  takeCommitTimes(): { longestMs: number; totalMs: number; count: number } {
    const t = this.commitTimes;
    this.commitTimes = { longestMs: 0, totalMs: 0, count: 0 };
    return t;
  }

  /** Not stored: the caller learns it (and acknowledges nothing). */
  private failed(w: PendingWrite, err: Error): void {
    this.stats.failed++;
    if (!this.failure) {
      this.failure = err;
      this.healthListener?.(err);
    }
    w.done(err, false);
  }

  private committed(batch: PendingWrite[], results: boolean[]): void {
    if (this.failure) {
      this.failure = null;
      this.healthListener?.(null);
    }
    this.stats.batches++;
    this.stats.maxBatch = Math.max(this.stats.maxBatch, batch.length);
    for (let i = 0; i < batch.length; i++) {
      const stored = results[i] === true;
      if (stored) this.stats.stored++;
      else this.stats.duplicates++;
      (batch[i] as PendingWrite).done(null, stored);
    }
  }

  /** Flushes and refuses further writes. */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
