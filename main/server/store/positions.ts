import type { PositionRecord } from '../ingest/position';
import type { Db } from './database';
import { isHidden } from './position-flags';

export interface PositionRow {
  id: number;
  user_pk: number;
  device_time: number;
  server_time: number;
  lat: number;
  lng: number;
  speed: number;
  bearing: number;
  accuracy: number | null;
  altitude: number | null;
  source: string;
  /** FLAG_IMPLAUSIBLE (hidden: never the latest) and the clock flags (migrations 3, 5) */
  flags: number;
  /** the phone's own time when device_time was corrected (migration 5) */
  reported_time: number | null;
}

export interface LatestRow extends PositionRow {
  user_id: string;
}

export const rowToRecord = (r: PositionRow): PositionRecord => ({
  lat: r.lat,
  lng: r.lng,
  speed: r.speed,
  bearing: r.bearing,
  accuracy: r.accuracy,
  altitude: r.altitude,
  deviceTime: r.device_time,
  serverTime: r.server_time,
  reportedTime: r.reported_time,
});

export class PositionStore {
  private readonly insertStmt;
  private readonly latestUpsert;
  private readonly latestOfUser;
  private readonly latestOfCompany;
  private readonly rangeStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO positions (user_pk, device_time, server_time, lat, lng, speed, bearing, accuracy, altitude, source, flags, reported_time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_pk, device_time) DO NOTHING`,
    );
    this.latestUpsert = db.prepare(
      `INSERT INTO latest_positions (user_pk, position_id, device_time) VALUES (?, ?, ?)
       ON CONFLICT (user_pk) DO UPDATE SET position_id = excluded.position_id, device_time = excluded.device_time
       WHERE excluded.device_time > latest_positions.device_time`,
    );
    this.latestOfUser = db.prepare<[number], PositionRow>(
      'SELECT p.* FROM latest_positions l JOIN positions p ON p.id = l.position_id WHERE l.user_pk = ?',
    );
    this.latestOfCompany = db.prepare<[string], LatestRow>(
      `SELECT p.*, u.user_id FROM users u JOIN latest_positions l ON l.user_pk = u.pk JOIN positions p ON p.id = l.position_id
       WHERE u.company_id = ? ORDER BY u.user_id`,
    );
    this.rangeStmt = db.prepare<[number, number, number, number], PositionRow>(
      `SELECT * FROM positions WHERE user_pk = ? AND device_time >= ? AND device_time < ? ORDER BY device_time LIMIT ?`,
    );
  }

  /**
   * Inserts one position; returns false for a duplicate (same device and device time).
   * Must run inside the caller's transaction (the group-commit writer's).
   */
  insert(userPk: number, p: PositionRecord, source: string, flags = 0): boolean {
    const r = this.insertStmt.run(userPk, p.deviceTime, p.serverTime, p.lat, p.lng, p.speed, p.bearing, p.accuracy, p.altitude, source, flags, p.reportedTime ?? null);
    if (r.changes === 0) return false;
    if (!isHidden(flags)) this.latestUpsert.run(userPk, r.lastInsertRowid, p.deviceTime);
    return true;
  }

  latest(userPk: number): PositionRow | undefined {
    return this.latestOfUser.get(userPk);
  }

  latestOfCompanyDevices(companyId: string): LatestRow[] {
    return this.latestOfCompany.all(companyId);
  }

  /** Positions with from ≤ device_time < to, oldest first. */
  range(userPk: number, from: number, to: number, limit: number): PositionRow[] {
    return this.rangeStmt.all(userPk, from, to, limit);
  }
}
