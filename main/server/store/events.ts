import type { EventName, LoggedEvent, ObjectType } from '../../../shared/api/events';
import { DATASET_PATHS } from '../../../shared/api/events';
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

/**
 * The durable log of what happened (trip and accident stages, heartbeats), in the seed's event
 * names: what notifications deliver. `record` must be called inside the transaction that makes
 * the state change, so an event exists exactly when its change does; readers follow the log by
 * id (`list` after a cursor), so nothing is lost between a commit and its delivery.
 */
export class EventLog {
  private readonly insert;
  private readonly page;

  constructor(
    private readonly db: Db,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.insert = db.prepare(
      `INSERT INTO events (company_id, user_pk, event, object_id, object_type, object_path, details, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.page = db.prepare<[string, number, number], EventRow>(
      `SELECT e.*, u.user_id FROM events e LEFT JOIN users u ON u.pk = e.user_pk
       WHERE e.company_id = ? AND e.id > ? ORDER BY e.id LIMIT ?`,
    );
  }

  /** Inserts the event (inside the caller's transaction) and returns its id. */
  record(e: NewEvent, now = this.clock.now()): number {
    const path = e.objectType in DATASET_PATHS ? DATASET_PATHS[e.objectType as keyof typeof DATASET_PATHS](e.objectId) : null;
    const r = this.insert.run(e.companyId, e.userPk, e.event, e.objectId, e.objectType, path, JSON.stringify(e.details), now);
    return Number(r.lastInsertRowid);
  }

  list(companyId: string, after = 0, limit = 100): LoggedEvent[] {
    return this.page.all(companyId, after, limit).map((r) => ({
      id: r.id,
      event: r.event,
      device_id: r.user_id,
      object: { id: r.object_id, type: r.object_type, path: r.object_path },
      details: JSON.parse(r.details) as Record<string, unknown>,
      timestamp: new Date(r.created_at).toISOString(),
    }));
  }
}
