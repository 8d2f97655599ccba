import type { DeviceStatus } from '../../../shared/protocol/device';
import { iso } from '../../../shared/time';
import type { Db } from './database';

interface HeartbeatRow {
  time: number;
  source: string;
  battery: number | null;
  charging: number | null;
  gps: DeviceStatus['gps'];
  online: number | null;
  pending: number | null;
  duty: number | null;
  connection: DeviceStatus['connection'];
  app: string | null;
}

/** A device's status as recorded, with the time of the row. */
export interface RecordedStatus {
  status: DeviceStatus;
  time: number;
}

const bool = (v: number | null): boolean | null => (v === null ? null : v === 1);
const num = (v: boolean | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

const toStatus = (r: HeartbeatRow): DeviceStatus => ({
  battery: r.battery,
  charging: bool(r.charging),
  gps: r.gps,
  online: bool(r.online),
  pending: r.pending,
  duty: bool(r.duty),
  connection: r.connection,
  app: r.app,
  source: r.source,
  time: iso(r.time),
});

/** The heartbeats table: what phones said about themselves, one row per change (devices/device-status.ts decides when). */
export class HeartbeatStore {
  private readonly insertStmt;
  private readonly latestStmt;
  private readonly latestOfCompanyStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO heartbeats (user_pk, time, source, battery, charging, gps, online, pending, duty, connection, app)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.latestStmt = db.prepare<[number], HeartbeatRow>('SELECT * FROM heartbeats WHERE user_pk = ? ORDER BY time DESC, id DESC LIMIT 1');
    this.latestOfCompanyStmt = db.prepare<[string], HeartbeatRow & { user_pk: number }>(
      `SELECT h.* FROM users u JOIN heartbeats h ON h.id = (SELECT id FROM heartbeats WHERE user_pk = u.pk ORDER BY time DESC, id DESC LIMIT 1)
       WHERE u.company_id = ?`,
    );
  }

  insert(userPk: number, time: number, s: DeviceStatus): void {
    this.insertStmt.run(userPk, time, s.source, s.battery, num(s.charging), s.gps, num(s.online), s.pending, num(s.duty), s.connection, s.app);
  }

  latest(userPk: number): RecordedStatus | undefined {
    const r = this.latestStmt.get(userPk);
    return r && { status: toStatus(r), time: r.time };
  }

  /** The newest row of every device of a company that has one, by user pk. */
  latestOfCompany(companyId: string): Map<number, DeviceStatus> {
    return new Map(this.latestOfCompanyStmt.all(companyId).map((r) => [r.user_pk, toStatus(r)]));
  }
}
