import type { AlertKind, AlertView } from '../../../shared/protocol/device';
import type { Db } from '../store/database';
import type { DeviceRef } from './device-status';

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

interface AlertRow {
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
}

export type AlertListener = (device: DeviceRef, alert: AlertView) => void;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function view(r: AlertRow): AlertView {
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
    acknowledged_at: iso(r.acknowledged_at),
    acknowledged_by: r.acknowledged_by,
  };
}

const SELECT = 'SELECT a.*, u.user_id, u.company_id FROM alerts a JOIN users u ON u.pk = a.user_pk';

/**
 * SOS presses and crash reports from every source, stored durably (a phone resending an
 * unacknowledged alert is recognised by device and time) and announced to the offices.
 */
export class AlertStore {
  private readonly listeners: AlertListener[] = [];
  private readonly insertStmt;
  private readonly byId;
  private readonly recent;
  private readonly open;
  private readonly ackStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (user_pk, kind, device_time, server_time, lat, lng, source, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_pk, kind, device_time) DO NOTHING`,
    );
    this.byId = db.prepare<[number], AlertRow>(`${SELECT} WHERE a.id = ?`);
    this.recent = db.prepare<[string, number], AlertRow>(`${SELECT} WHERE u.company_id = ? ORDER BY a.server_time DESC, a.id DESC LIMIT ?`);
    this.open = db.prepare<[string, number], AlertRow>(
      `${SELECT} WHERE u.company_id = ? AND a.acknowledged_at IS NULL ORDER BY a.server_time DESC, a.id DESC LIMIT ?`,
    );
    this.ackStmt = db.prepare('UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL');
  }

  /** Called for every new alert and again when one is acknowledged. */
  onAlert(listener: AlertListener): void {
    this.listeners.push(listener);
  }

  /** Stores the alert; a resent one (same device, kind and device time) is not stored or announced twice. */
  record(device: DeviceRef, a: NewAlert): AlertView | null {
    const r = this.insertStmt.run(device.pk, a.kind, a.deviceTime, a.serverTime, a.lat, a.lng, a.source, a.details ? JSON.stringify(a.details) : null);
    if (r.changes === 0) return null;
    const alert = view(this.byId.get(Number(r.lastInsertRowid)) as AlertRow);
    for (const l of this.listeners) l(device, alert);
    return alert;
  }

  list(companyId: string, opts: { openOnly?: boolean; limit?: number } = {}): AlertView[] {
    const limit = opts.limit ?? 100;
    return (opts.openOnly ? this.open : this.recent).all(companyId, limit).map(view);
  }

  get(companyId: string, id: number): (AlertView & { details: Record<string, unknown> | null }) | undefined {
    const r = this.byId.get(id);
    if (!r || !this.belongs(r, companyId)) return undefined;
    return { ...view(r), details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null };
  }

  /** Marks the alert acknowledged by `userId`; undefined when it is not the company's. */
  acknowledge(companyId: string, id: number, userId: string, now = Date.now()): AlertView | undefined {
    const r = this.byId.get(id);
    if (!r || !this.belongs(r, companyId)) return undefined;
    const changed = this.ackStmt.run(now, userId, id).changes === 1;
    const alert = view(this.byId.get(id) as AlertRow);
    // Every console learns it is handled (an alert with acknowledged_at set clears its banner).
    if (changed) for (const l of this.listeners) l({ pk: r.user_pk, company_id: r.company_id, user_id: r.user_id }, alert);
    return alert;
  }

  private belongs(r: AlertRow, companyId: string): boolean {
    return r.company_id === companyId;
  }
}
