/** SOS and crash alerts: kept in the outbox until the server acknowledges them, sent whenever connected. */
import type { AlertKind, AlertPayload } from '../../../shared/protocol/device';
import type { ErrorReply } from '../../../shared/protocol/tracking';
import { Unacked } from '../../../shared/tracking-client';
import type { DriverConnection } from './connection';
import type { DriverContext } from './driver-state';

export class AlertSender {
  private readonly unacked = new Unacked<AlertKind>();

  constructor(
    private readonly ctx: DriverContext,
    private readonly conn: DriverConnection,
  ) {}

  /** Keeps an alert until it is acknowledged; send() sends it. */
  async put(payload: AlertPayload): Promise<void> {
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
      if (this.unacked.has(a.seq)) continue;
      if (this.conn.send({ action: 'alert', id, seq: a.seq, payload: a.payload })) this.unacked.add(a.seq, a.payload.kind, Date.now());
    }
  }

  /** The connection is gone: alerts in flight are sent again on the next one. */
  reset(): void {
    this.unacked.clear();
  }

  /** False: not an alert of ours. */
  onAck(seq: number): boolean {
    const kind = this.unacked.settle(seq);
    if (!kind) return false;
    void this.ctx.outbox?.deleteAlert(seq);
    const crash = this.ctx.state.crash;
    if (kind === 'sos') this.ctx.set({ sos: 'sent', sosSentAt: Date.now() });
    else if (crash) this.ctx.set({ crash: { ...crash, phase: 'sent' } });
    return true;
  }

  onRefused(seq: number, err: ErrorReply): boolean {
    const kind = this.unacked.settle(seq);
    if (!kind) return false;
    // Not stored (the server's disk is full): kept, and sent again with the next send().
    if (err.error === 'Unavailable') return true;
    void this.ctx.outbox?.deleteAlert(seq);
    this.ctx.set({ alertError: `The ${kind === 'sos' ? 'SOS' : 'crash alert'} was refused: ${err.message}`, sos: kind === 'sos' ? 'idle' : this.ctx.state.sos });
    return true;
  }
}
