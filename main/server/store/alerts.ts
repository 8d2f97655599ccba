import type { Statement } from 'better-sqlite3';
import type { AlertKind } from '../../../shared/protocol/device';
import type { AlertState, AlertView } from '../../../shared/api/alerts';
import { isoOrNull } from '../../../shared/time';
import type { Db } from './database';

/** An alert as it arrives from a phone or the crash pipeline, before it is stored. */
export interface NewAlert {
  kind: AlertKind;
  deviceTime: number;
  serverTime: number;
  lat: number | null;
  lng: number | null;
  source: string;
  /** the crash buffer and thresholds, kept as JSON */
  details: Record<string, unknown> | null;
}

/** A row of table alerts, with its device and (for a crash) its accident. */
export interface AlertRow {
  id: number;
  user_pk: number;
  user_id: string;
  company_id: string;
  kind: AlertKind;
  device_time: number;
  server_time: number;
  lat: number | null;
  lng: number | null;
  source: string;
  details: string | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  note: string | null;
  accident_id: string | null;
  passed_filters: number | null;
  /** who acknowledged and resolved, as the company's users table has them now (null: nobody, or removed) */
  ack_user_id: string | null;
  ack_display_name: string | null;
  res_user_id: string | null;
  res_display_name: string | null;
}

/** A user's name as others see it: the display name, else the user id; null when the user is gone. */
const actorName = (userId: string | null, displayName: string | null): string | null => (userId === null ? null : displayName?.trim() || userId);

/** The API view of a stored alert. */
export function alertView(r: AlertRow): AlertView {
  const details = r.details ? (JSON.parse(r.details) as { peak_g?: number }) : null;
  return {
    id: r.id,
    device_id: r.user_id,
    kind: r.kind,
    time: new Date(r.device_time).toISOString(),
    received_at: new Date(r.server_time).toISOString(),
    lat: r.lat,
    lng: r.lng,
    source: r.source,
    peak_g: typeof details?.peak_g === 'number' ? details.peak_g : null,
    acknowledged_at: isoOrNull(r.acknowledged_at),
    acknowledged_by: r.acknowledged_by,
    acknowledged_by_name: actorName(r.ack_user_id, r.ack_display_name),
    resolved_at: isoOrNull(r.resolved_at),
    resolved_by: r.resolved_by,
    resolved_by_name: actorName(r.res_user_id, r.res_display_name),
    note: r.note,
    accident_id: r.accident_id,
    confirmed: r.passed_filters === null ? null : r.passed_filters === 1,
  };
}

const SELECT = `SELECT a.*, u.user_id, u.company_id, ac.id AS accident_id, ac.passed_filters,
    ack.user_id AS ack_user_id, ack.display_name AS ack_display_name, res.user_id AS res_user_id, res.display_name AS res_display_name
  FROM alerts a JOIN users u ON u.pk = a.user_pk LEFT JOIN accidents ac ON ac.alert_id = a.id
  LEFT JOIN users ack ON ack.company_id = u.company_id AND ack.user_id = a.acknowledged_by
  LEFT JOIN users res ON res.company_id = u.company_id AND res.user_id = a.resolved_by`;

const STATE_WHERE: Record<AlertState, string> = {
  open: 'AND a.acknowledged_at IS NULL AND a.resolved_at IS NULL',
  acknowledged: 'AND a.acknowledged_at IS NOT NULL AND a.resolved_at IS NULL',
  resolved: 'AND a.resolved_at IS NOT NULL',
  all: '',
};

/** Table alerts: SOS presses and crash reports, one row per device, kind and device time. */
export class AlertTable {
  private readonly insertStmt;
  private readonly byId;
  private readonly lists: Record<AlertState, Statement<[string, number, number, number], AlertRow>>;
  private readonly ackStmt;
  private readonly resolveStmt;
  private readonly handledOfDevice;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (user_pk, kind, device_time, server_time, lat, lng, source, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_pk, kind, device_time) DO NOTHING`,
    );
    this.byId = db.prepare<[number], AlertRow>(`${SELECT} WHERE a.id = ?`);
    this.lists = Object.fromEntries(
      Object.entries(STATE_WHERE).map(([state, where]) => [
        state,
        db.prepare<[string, number, number, number], AlertRow>(
          `${SELECT} WHERE u.company_id = ? AND a.server_time >= ? AND a.server_time < ? ${where} ORDER BY a.server_time DESC, a.id DESC LIMIT ?`,
        ),
      ]),
    ) as Record<AlertState, Statement<[string, number, number, number], AlertRow>>;
    this.handledOfDevice = db.prepare<[number, number, number], AlertRow>(
      `${SELECT} WHERE a.user_pk = ? AND a.acknowledged_at IS NOT NULL AND a.server_time >= ? ORDER BY a.server_time DESC, a.id DESC LIMIT ?`,
    );
    this.ackStmt = db.prepare('UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL');
    this.resolveStmt = db.prepare(
      `UPDATE alerts SET resolved_at = ?, resolved_by = ?, note = ?,
         acknowledged_by = CASE WHEN acknowledged_at IS NULL THEN ? ELSE acknowledged_by END,
         acknowledged_at = COALESCE(acknowledged_at, ?)
       WHERE id = ? AND resolved_at IS NULL`,
    );
  }

  /** The new row's id, or null for a resend (same device, kind and device time). */
  insert(userPk: number, a: NewAlert): number | null {
    const r = this.insertStmt.run(userPk, a.kind, a.deviceTime, a.serverTime, a.lat, a.lng, a.source, a.details ? JSON.stringify(a.details) : null);
    return r.changes === 0 ? null : Number(r.lastInsertRowid);
  }

  get(id: number): AlertRow | undefined {
    return this.byId.get(id);
  }

  /** A company's alerts in a state, newest first; server_time from inclusive, to exclusive. */
  list(companyId: string, state: AlertState, from: number, to: number, limit: number): AlertRow[] {
    return this.lists[state].all(companyId, from, to, limit);
  }

  /** A device's alerts the office acknowledged (resolved ones included) received since `since`, newest first. */
  handledOf(userPk: number, since: number, limit: number): AlertRow[] {
    return this.handledOfDevice.all(userPk, since, limit);
  }

  /** True when it was not acknowledged before. */
  acknowledge(id: number, userId: string, now: number): boolean {
    return this.ackStmt.run(now, userId, id).changes === 1;
  }

  /** True when it was not resolved before; acknowledges it too if nobody had. */
  resolve(id: number, userId: string, note: string, now: number): boolean {
    return this.resolveStmt.run(now, userId, note, userId, now, id).changes === 1;
  }
}
