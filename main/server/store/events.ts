import type { EventName, LoggedEvent, ObjectType } from '../../../shared/api/events';
import { DATASET_PATHS } from '../../../shared/api/events';
import { randomUUID } from 'node:crypto';
import type { Db } from './database';
import { systemClock, type Clock } from '../clock';

export interface NewEvent {
  companyId: string;
  userPk: number | null;
  event: EventName;
  objectId: string;
  objectType: ObjectType;
  details: Record<string, unknown>;
}

interface EventRow {
  id: number;
  uid: string;
  company_id: string;
  user_pk: number | null;
  user_id: string | null;
  event: string;
  object_id: string;
  object_type: string;
  object_path: string | null;
  details: string;
  created_at: number;
}

/** An event as the outbox reads it: the row, its device's id and name. */
export interface OutboxEvent {
  id: number;
  uid: string;
  companyId: string;
  event: EventName;
  deviceId: string | null;
  deviceName: string | null;
  objectId: string;
  objectType: ObjectType;
  objectPath: string | null;
  details: Record<string, unknown>;
  createdAt: number;
}

type OutboxRow = EventRow & { display_name: string | null };

const toOutbox = (r: OutboxRow): OutboxEvent => ({
  id: r.id,
  uid: r.uid,
  companyId: r.company_id,
  event: r.event as EventName,
  deviceId: r.user_id,
  deviceName: r.display_name,
  objectId: r.object_id,
  objectType: r.object_type as ObjectType,
  objectPath: r.object_path,
  details: JSON.parse(r.details) as Record<string, unknown>,
  createdAt: r.created_at,
});

/**
 * The durable log of what happened (trip and accident stages, heartbeats), in the seed's event
 * names: what notifications deliver. `record` must be called inside the transaction that makes
 * the state change, so an event exists exactly when its change does; readers follow the log by
 * id (`list` after a cursor), so nothing is lost between a commit and its delivery.
 */
export class EventLog {
  private readonly insert;
  private readonly page;
  private readonly outboxPage;
  private readonly one;
  private readonly newest;
  private readonly listeners: ((companyId: string) => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.insert = db.prepare(
      `INSERT INTO events (uid, company_id, user_pk, event, object_id, object_type, object_path, details, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.outboxPage = db.prepare<[string, number, number], OutboxRow>(
      `SELECT e.*, u.user_id, u.display_name FROM events e LEFT JOIN users u ON u.pk = e.user_pk
       WHERE e.company_id = ? AND e.id > ? ORDER BY e.id LIMIT ?`,
    );
    this.one = db.prepare<[number], OutboxRow>(
      `SELECT e.*, u.user_id, u.display_name FROM events e LEFT JOIN users u ON u.pk = e.user_pk WHERE e.id = ?`,
    );
    this.newest = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM events');
    this.page = db.prepare<[string, number, number], EventRow>(
      `SELECT e.*, u.user_id FROM events e LEFT JOIN users u ON u.pk = e.user_pk
       WHERE e.company_id = ? AND e.id > ? ORDER BY e.id LIMIT ?`,
    );
  }

  /**
   * Inserts the event (inside the caller's transaction) and returns its id. Listeners hear of it
   * at once, still inside that transaction: they must only schedule work for later (the outbox
   * reads the log on the next turn of the event loop, after the commit).
   */
  record(e: NewEvent, now = this.clock.now()): number {
    const path = e.objectType in DATASET_PATHS ? DATASET_PATHS[e.objectType as keyof typeof DATASET_PATHS](e.objectId) : null;
    const r = this.insert.run(randomUUID(), e.companyId, e.userPk, e.event, e.objectId, e.objectType, path, JSON.stringify(e.details), now);
    for (const l of this.listeners) l(e.companyId);
    return Number(r.lastInsertRowid);
  }

  /** Called with the company of every recorded event (see record). */
  onRecorded(listener: (companyId: string) => void): void {
    this.listeners.push(listener);
  }

  /** The outbox's read: a company's events after a cursor, oldest first, with device id and name. */
  after(companyId: string, cursor: number, limit: number): OutboxEvent[] {
    return this.outboxPage.all(companyId, cursor, limit).map(toOutbox);
  }

  get(id: number): OutboxEvent | null {
    const r = this.one.get(id);
    return r ? toOutbox(r) : null;
  }

  /**
   * Heartbeat events are many (one per device per few minutes) and worth nothing once delivered:
   * those older than `before` that every destination has passed (`below`: the smallest cursor)
   * and that are not waiting as a dead letter or a redelivery are forgotten. Others are history.
   * The newest event of all is kept: SQLite numbers the next row max(id) + 1, and an id that the
   * cursors (and backends paging with ?after=) have passed must never be handed out again.
   */
  pruneHeartbeats(before: number, below: number): number {
    return this.db
      .prepare(
        `DELETE FROM events WHERE event = 'HeartbeatReceived' AND created_at < ? AND id <= ?
         AND id < (SELECT max(id) FROM events)
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id AND d.state != 'delivered')`,
      )
      .run(before, below).changes;
  }

  /** The id of the newest event (0 when none): where a new destination's cursor starts. */
  newestId(): number {
    return this.newest.get()?.id ?? 0;
  }

  list(companyId: string, after = 0, limit = 100): LoggedEvent[] {
    return this.page.all(companyId, after, limit).map((r) => ({
      id: r.id,
      uid: r.uid,
      event: r.event,
      device_id: r.user_id,
      object: { id: r.object_id, type: r.object_type, path: r.object_path },
      details: JSON.parse(r.details) as Record<string, unknown>,
      timestamp: new Date(r.created_at).toISOString(),
    }));
  }
}
