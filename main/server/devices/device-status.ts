import type { DeviceStatus, DeviceStatusPayload } from '../../../shared/protocol/device';
import type { Db } from '../store/database';
import { systemClock, type Clock } from '../clock';

/** A status report as adapters produce it: what the phone said, in FleetDesk's terms. */
export type StatusReport = DeviceStatusPayload;

export interface DeviceRef {
  pk: number;
  company_id: string;
  user_id: string;
}

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

/** A heartbeat row is written when the status changes, and at least this often otherwise. */
export const HEARTBEAT_RECORD_INTERVAL_MS = 5 * 60_000;

export type StatusListener = (device: DeviceRef, status: DeviceStatus) => void;

const bool = (v: number | null): boolean | null => (v === null ? null : v === 1);
const num = (v: boolean | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

function rowToStatus(r: HeartbeatRow): DeviceStatus {
  return {
    battery: r.battery,
    charging: bool(r.charging),
    gps: r.gps,
    online: bool(r.online),
    pending: r.pending,
    duty: bool(r.duty),
    connection: r.connection,
    app: r.app,
    source: r.source,
    time: new Date(r.time).toISOString(),
  };
}

/** The fields that make a status different enough to record and show (battery in whole %). */
function signature(s: DeviceStatus): string {
  return JSON.stringify([s.battery === null ? null : Math.round(s.battery), s.charging, s.gps, s.online, s.pending, s.duty, s.connection, s.app, s.source]);
}

/**
 * Device status from every source (driver app heartbeats, OsmAnd `batt`/`charge`, OwnTracks
 * `batt`/`bs`/`conn`), merged per device. Each report is recorded as a heartbeat row when it
 * changes something, or when the last row is older than five minutes, so a phone sending its
 * battery with every fix costs one write per change, not one per fix.
 */
export class DeviceStatusService {
  private readonly current = new Map<number, { status: DeviceStatus; sig: string; recordedAt: number }>();
  private readonly listeners: StatusListener[] = [];
  private readonly insert;
  private readonly latest;
  private readonly latestOfCompany;

  constructor(
    db: Db,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.insert = db.prepare(
      `INSERT INTO heartbeats (user_pk, time, source, battery, charging, gps, online, pending, duty, connection, app)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.latest = db.prepare<[number], HeartbeatRow>('SELECT * FROM heartbeats WHERE user_pk = ? ORDER BY time DESC, id DESC LIMIT 1');
    this.latestOfCompany = db.prepare<[string], HeartbeatRow & { user_pk: number }>(
      `SELECT h.* FROM users u JOIN heartbeats h ON h.id = (SELECT id FROM heartbeats WHERE user_pk = u.pk ORDER BY time DESC, id DESC LIMIT 1)
       WHERE u.company_id = ?`,
    );
  }

  onChange(listener: StatusListener): void {
    this.listeners.push(listener);
  }

  get(userPk: number): DeviceStatus | null {
    const c = this.current.get(userPk);
    if (c) return c.status;
    const row = this.latest.get(userPk);
    return row ? rowToStatus(row) : null;
  }

  /** Latest status of every device of a company that ever reported one, by user pk. */
  ofCompany(companyId: string): Map<number, DeviceStatus> {
    const out = new Map<number, DeviceStatus>();
    for (const r of this.latestOfCompany.all(companyId)) out.set(r.user_pk, this.current.get(r.user_pk)?.status ?? rowToStatus(r));
    return out;
  }

  /** Merges a report into the device's status; returns the new status. */
  report(device: DeviceRef, report: StatusReport, source: string, time = this.clock.now()): DeviceStatus {
    const prev = this.current.get(device.pk) ?? this.loaded(device.pk);
    const base = prev?.status;
    const status: DeviceStatus = {
      battery: report.battery ?? base?.battery ?? null,
      charging: report.charging ?? base?.charging ?? null,
      gps: report.gps ?? base?.gps ?? null,
      online: report.online ?? base?.online ?? null,
      pending: report.pending ?? base?.pending ?? null,
      duty: report.duty ?? base?.duty ?? null,
      connection: report.connection ?? base?.connection ?? null,
      app: report.app ?? base?.app ?? null,
      source,
      time: new Date(time).toISOString(),
    };
    const sig = signature(status);
    const changed = sig !== prev?.sig;
    let recordedAt = prev?.recordedAt ?? -Infinity;
    if (changed || time - recordedAt >= HEARTBEAT_RECORD_INTERVAL_MS) {
      this.insert.run(device.pk, time, source, status.battery, num(status.charging), status.gps, num(status.online), status.pending, num(status.duty), status.connection, status.app);
      recordedAt = time;
    }
    this.current.set(device.pk, { status, sig, recordedAt });
    if (changed) for (const l of this.listeners) l(device, status);
    return status;
  }

  private loaded(userPk: number) {
    const row = this.latest.get(userPk);
    if (!row) return undefined;
    const status = rowToStatus(row);
    return { status, sig: signature(status), recordedAt: row.time };
  }
}
