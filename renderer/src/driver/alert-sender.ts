/**
 * SOS and crash alerts: kept in the outbox until the server acknowledges them, sent whenever
 * connected; and what the office did about them (`alert_status`: acknowledged, resolved).
 */
import type { AlertKind, AlertPayload } from '../../../shared/protocol/device';
import type { AlertStatusPayload } from '../../../shared/protocol/server-messages';
import type { ErrorReply } from '../../../shared/protocol/tracking';
import { Unacked } from '../../../shared/tracking-client';
import type { DriverConnection } from './connection';
import type { DriverContext } from './driver-state';

/** An alert's device time as epoch ms (this app sends ISO strings; the wire also allows numbers). */
const epochMs = (t: string | number): number => (typeof t === 'number' ? (t < 1e11 ? t * 1000 : t) : Date.parse(t));

export class AlertSender {
  private readonly unacked = new Unacked<AlertKind>();
  /** alerts answered and still being deleted: a send() that read the outbox before the answer skips them */
  private readonly leaving = new Set<number>();
  /** device time of the newest alert raised on this phone since it was opened: older news is not shown */
  private raisedAt = 0;

  constructor(
    private readonly ctx: DriverContext,
    private readonly conn: DriverConnection,
  ) {}

  /** Keeps an alert until it is acknowledged; send() sends it. */
  async put(payload: AlertPayload): Promise<void> {
    this.raised(epochMs(payload.timestamp));
    const outbox = this.ctx.outbox;
    if (outbox) await outbox.putAlert({ seq: outbox.nextSeq(), payload });
  }

  async sos(): Promise<void> {
    if (!this.ctx.outbox) return;
    await this.put({ kind: 'sos', timestamp: new Date().toISOString(), ...this.ctx.position() });
    this.ctx.set({ sos: 'sending', alertError: null });
    await this.send();
  }

  /** Sends the kept alerts not in flight. */
  async send(): Promise<void> {
    const { outbox, state } = this.ctx;
    if (!this.conn.ready || !outbox || !state.device) return;
    const id = state.device.user_id;
    for (const a of await outbox.alerts()) {
      // An alert still waiting from before a reload is newer than what the office answered.
      this.raised(epochMs(a.payload.timestamp));
      if (this.unacked.has(a.seq) || this.leaving.has(a.seq)) continue;
      if (this.conn.send({ action: 'alert', id, seq: a.seq, payload: a.payload })) this.unacked.add(a.seq, a.payload.kind, Date.now());
    }
  }

  /** The connection is gone: alerts in flight are sent again on the next one. */
  reset(): void {
    this.unacked.clear();
  }

  /** A new alert: what the office said about an earlier one no longer applies. */
  private raised(time: number): void {
    this.raisedAt = Math.max(this.raisedAt, time);
    const shown = this.ctx.state.office;
    if (shown && Date.parse(shown.time) < this.raisedAt) this.ctx.set({ office: null });
  }

  /** The office acknowledged or resolved an alert of this phone: shown when it is the newest one. */
  onStatus(status: AlertStatusPayload): void {
    const time = Date.parse(status.time);
    if (time < this.raisedAt) return;
    const shown = this.ctx.state.office;
    if (shown && shown.alert_id !== status.alert_id && Date.parse(shown.time) > time) return;
    this.ctx.set({ office: status });
  }

  /** False: not an alert of ours. */
  onAck(seq: number): boolean {
    const kind = this.unacked.settle(seq);
    if (!kind) return false;
    this.remove(seq);
    const crash = this.ctx.state.crash;
    if (kind === 'sos') this.ctx.set({ sos: 'sent', sosSentAt: Date.now() });
    else if (crash) this.ctx.set({ crash: { ...crash, phase: 'sent' } });
    return true;
  }

  /** Deletes an answered alert from the outbox; no send() takes it for unsent meanwhile. */
  private remove(seq: number): void {
    this.leaving.add(seq);
    void this.ctx.outbox
      ?.deleteAlert(seq)
      .catch((err: unknown) => console.warn('driver app:', err))
      .finally(() => this.leaving.delete(seq));
  }

  onRefused(seq: number, err: ErrorReply): boolean {
    const kind = this.unacked.settle(seq);
    if (!kind) return false;
    // Not stored (the server's disk is full): kept, and sent again with the next send().
    if (err.error === 'Unavailable') return true;
    this.remove(seq);
    this.ctx.set({ alertError: `The ${kind === 'sos' ? 'SOS' : 'crash alert'} was refused: ${err.message}`, sos: kind === 'sos' ? 'idle' : this.ctx.state.sos });
    return true;
  }
}
