/**
 * Sends the queued fixes (wire.ts plans how: the newest live when it is the only one waiting, a
 * backlog in batches) and lets them leave the outbox once the server answered: stored, or
 * dropped as never storable. Only what may pass later stays queued.
 */
import type { BatchDroppedFix, ErrorReply } from '../../../shared/protocol/tracking';
import { Unacked } from '../../../shared/tracking-client';
import type { DriverConnection } from './connection';
import type { DriverContext } from './driver-state';
import { planSends } from './wire';

/** In-flight messages unacknowledged this long are sent again (the server dedupes fixes). */
const RESEND_AFTER_MS = 30_000;
const MAX_BATCHES_IN_FLIGHT = 2;

interface Sent {
  kind: 'live' | 'batch';
  /** the seqs of the fixes it carries */
  fixes: number[];
}

export class FixSender {
  private readonly unacked = new Unacked<Sent>();
  /**
   * Fixes the server answered for that are still being deleted from the outbox. A pump that read
   * the outbox before the answer came must not take them for unsent (they would go out twice).
   */
  private readonly leaving = new Set<number>();
  private lastLiveAt = 0;

  constructor(
    private readonly ctx: DriverContext,
    private readonly conn: DriverConnection,
  ) {}

  /** Sends what is queued and not in flight. */
  pump(): Promise<void> {
    return this.ctx.serial(async () => {
      const { outbox, state } = this.ctx;
      if (!this.conn.ready || !outbox || !state.device) return;
      const s = this.ctx.settings;
      const pending = await outbox.fixes();
      const sent = this.unacked.items();
      const plans = planSends(pending, new Set([...sent.flatMap((f) => f.fixes), ...this.leaving]), {
        maxBatch: s.max_batch,
        maxBatches: MAX_BATCHES_IN_FLIGHT,
        batchesInFlight: sent.filter((f) => f.kind === 'batch').length,
        liveAllowed: Date.now() - this.lastLiveAt >= s.min_interval_ms,
      });
      const id = state.device.user_id;
      for (const plan of plans) {
        const now = Date.now();
        if (plan.kind === 'live') {
          if (!this.conn.send({ action: 'driver_location', id, seq: plan.fix.seq, payload: plan.fix.payload })) return;
          this.lastLiveAt = now;
          this.unacked.add(plan.fix.seq, { kind: 'live', fixes: [plan.fix.seq] }, now);
        } else {
          const seq = outbox.nextSeq();
          if (!this.conn.send({ action: 'location_batch', id, seq, payload: { positions: plan.fixes.map((f) => f.payload) } })) return;
          this.unacked.add(seq, { kind: 'batch', fixes: plan.fixes.map((f) => f.seq) }, now);
        }
      }
    });
  }

  /** What was never acknowledged goes out again at the next pump. */
  resendStale(): void {
    this.unacked.expire(Date.now() - RESEND_AFTER_MS);
  }

  /** The connection is gone: everything in flight is sent again on the next one. */
  reset(): void {
    this.unacked.clear();
  }

  /** Delivered: every fix leaves the queue, the stored ones and those the server can never store. False: not ours. */
  onAck(seq: number, dropped: BatchDroppedFix[]): boolean {
    const sent = this.unacked.settle(seq);
    if (!sent) return false;
    void this.remove(sent.fixes, () => {
      const last = dropped.at(-1);
      if (last) this.noteDropped(dropped.length, last);
    }).then(() => this.pump());
    return true;
  }

  /** Refused: kept when it may pass later, else deleted. False: not ours. */
  onRefused(seq: number, err: ErrorReply): boolean {
    const sent = this.unacked.settle(seq);
    if (!sent) return false;
    // Too soon after the previous live fix (it goes in the next batch), a session problem (sent
    // again once signed in anew), or the server could not store it (its disk full: sent again later).
    if (err.error === 'RateLimited' || err.error === 'Unauthorized' || err.error === 'Unavailable') {
      setTimeout(() => void this.pump(), this.ctx.settings.min_interval_ms);
      return true;
    }
    // Refused for good (BadPayload, Forbidden): never resent.
    void this.remove(sent.fixes, () => this.noteDropped(sent.fixes.length, { reason: err.error, message: err.message }));
    return true;
  }

  /** Takes answered fixes out of the outbox, in turn with the other reads and writes; they are never sent again meanwhile. */
  private remove(seqs: number[], then: () => void): Promise<void> {
    for (const s of seqs) this.leaving.add(s);
    return this.ctx.serial(async () => {
      try {
        await this.ctx.outbox?.deleteFixes(seqs);
      } finally {
        for (const s of seqs) this.leaving.delete(s);
      }
      await this.ctx.refreshPending();
      then();
    });
  }

  /** Fixes that left the queue without being stored: counted, the last reason shown and logged. */
  private noteDropped(count: number, last: { reason: string; message: string }): void {
    console.warn(`driver app: ${count} fix${count === 1 ? '' : 'es'} dropped by the server (${last.reason}: ${last.message})`);
    this.ctx.set({ dropped: this.ctx.state.dropped + count, lastDropped: { reason: last.reason, message: last.message, at: Date.now() } });
  }
}
