import type { DeliveryState } from '../../../shared/api/notifications';
import type { Db } from './database';

/** One destination's record of one event: attempts, state, what the receiver said. */
export interface DeliveryRow {
  id: number;
  destinationId: string;
  eventId: number;
  state: DeliveryState;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
}

/** A delivery joined with its event and destination, for the delivery log. */
export interface DeliveryLogRow extends DeliveryRow {
  eventUid: string;
  event: string;
  deviceId: string | null;
  destinationName: string;
  createdAt: number;
}

interface Row {
  id: number;
  destination_id: string;
  event_id: number;
  state: DeliveryState;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: number | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
}

const toRow = (r: Row): DeliveryRow => ({
  id: r.id,
  destinationId: r.destination_id,
  eventId: r.event_id,
  state: r.state,
  attempts: r.attempts,
  lastStatus: r.last_status,
  lastError: r.last_error,
  lastAttemptAt: r.last_attempt_at,
  nextAttemptAt: r.next_attempt_at,
  deliveredAt: r.delivered_at,
});

export interface AttemptOutcome {
  state: DeliveryState;
  status: number | null;
  error: string | null;
  at: number;
  nextAttemptAt: number | null;
}

export interface LogFilter {
  destinationId?: string;
  state?: DeliveryState;
  event?: string;
  before?: number;
  limit: number;
}

/** The deliveries table: the delivery log and the dead letters (notify/outbox.ts writes it). */
export class DeliveryStore {
  private readonly getStmt;
  private readonly upsertStmt;
  private readonly redeliveryStmt;
  private readonly deadCountStmt;
  private readonly redeliverOneStmt;
  private readonly redeliverAllStmt;
  private readonly redeliverCompanyStmt;
  private readonly pruneStmt;

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string, number], Row>('SELECT * FROM deliveries WHERE destination_id = ? AND event_id = ?');
    this.upsertStmt = db.prepare(
      `INSERT INTO deliveries (destination_id, event_id, state, attempts, last_status, last_error, last_attempt_at, next_attempt_at, delivered_at)
       VALUES (@destinationId, @eventId, @state, 1, @status, @error, @at, @next, @delivered)
       ON CONFLICT (destination_id, event_id) DO UPDATE SET state = @state, attempts = attempts + 1, last_status = @status,
         last_error = @error, last_attempt_at = @at, next_attempt_at = @next, delivered_at = @delivered`,
    );
    // redeliveries (dead letters sent again) at or before the cursor, oldest event first
    this.redeliveryStmt = db.prepare<[string, number], Row>(
      `SELECT * FROM deliveries WHERE destination_id = ? AND state IN ('pending', 'retrying') AND event_id <= ? ORDER BY event_id LIMIT 1`,
    );
    this.deadCountStmt = db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM deliveries WHERE destination_id = ? AND state = 'dead'`);
    this.redeliverOneStmt = db.prepare(
      `UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = NULL
       WHERE id = ? AND state = 'dead' AND destination_id IN (SELECT id FROM destinations WHERE company_id = ?)`,
    );
    this.redeliverAllStmt = db.prepare(
      `UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = NULL
       WHERE state = 'dead' AND destination_id = ? AND destination_id IN (SELECT id FROM destinations WHERE company_id = ?)`,
    );
    this.redeliverCompanyStmt = db.prepare(
      `UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = NULL
       WHERE state = 'dead' AND destination_id IN (SELECT id FROM destinations WHERE company_id = ?)`,
    );
    this.pruneStmt = db.prepare(`DELETE FROM deliveries WHERE state = 'delivered' AND delivered_at < ?`);
  }

  get(destinationId: string, eventId: number): DeliveryRow | null {
    const r = this.getStmt.get(destinationId, eventId);
    return r ? toRow(r) : null;
  }

  /** Records one attempt (the first creates the row). */
  attempt(destinationId: string, eventId: number, o: AttemptOutcome): void {
    this.upsertStmt.run({
      destinationId,
      eventId,
      state: o.state,
      status: o.status,
      error: o.error,
      at: o.at,
      next: o.nextAttemptAt,
      delivered: o.state === 'delivered' ? o.at : null,
    });
  }

  /** The oldest redelivery waiting at or before the cursor, if any. */
  nextRedelivery(destinationId: string, cursor: number): DeliveryRow | null {
    const r = this.redeliveryStmt.get(destinationId, cursor);
    return r ? toRow(r) : null;
  }

  deadCount(destinationId: string): number {
    return this.deadCountStmt.get(destinationId)?.n ?? 0;
  }

  /** Dead letters back in the queue: one (by delivery id), a destination's, or the company's. */
  redeliver(companyId: string, target: { id: number } | { destinationId: string } | 'all'): number {
    if (target === 'all') return this.redeliverCompanyStmt.run(companyId).changes;
    if ('id' in target) return this.redeliverOneStmt.run(target.id, companyId).changes;
    return this.redeliverAllStmt.run(target.destinationId, companyId).changes;
  }

  /** The delivery log of a company, newest first. */
  log(companyId: string, f: LogFilter): DeliveryLogRow[] {
    const where = ['d2.company_id = @companyId'];
    if (f.destinationId) where.push('d.destination_id = @destinationId');
    if (f.state) where.push('d.state = @state');
    if (f.event) where.push('e.event = @event');
    if (f.before) where.push('d.id < @before');
    const rows = this.db
      .prepare<Record<string, unknown>, Row & { uid: string; event: string; user_id: string | null; name: string; created_at: number }>(
        `SELECT d.*, e.uid, e.event, u.user_id, d2.name, e.created_at FROM deliveries d
         JOIN destinations d2 ON d2.id = d.destination_id
         JOIN events e ON e.id = d.event_id
         LEFT JOIN users u ON u.pk = e.user_pk
         WHERE ${where.join(' AND ')} ORDER BY d.id DESC LIMIT @limit`,
      )
      .all({ companyId, destinationId: f.destinationId, state: f.state, event: f.event, before: f.before, limit: f.limit });
    return rows.map((r) => ({ ...toRow(r), eventUid: r.uid, event: r.event, deviceId: r.user_id, destinationName: r.name, createdAt: r.created_at }));
  }

  /** Forgets delivered rows older than `before` (dead letters stay until redelivered). */
  prune(before: number): number {
    return this.pruneStmt.run(before).changes;
  }
}
