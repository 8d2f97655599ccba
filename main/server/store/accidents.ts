import type { Accident, AccidentExtra } from '../../../shared/api/accidents';
import type { Db } from './database';
import { isoOrNull } from '../../../shared/time';

/** The stored crash buffer (the AccidentExtra dataset without its id and type). */
export type ExtraData = Pick<AccidentExtra, 'motion' | 'positions'>;

export interface AccidentRow {
  id: string;
  user_pk: number;
  user_id: string;
  company_id: string;
  alert_id: number | null;
  source: string;
  time: number;
  lat: number | null;
  lng: number | null;
  received_at: number;
  extra: string | null;
  extra_received_at: number | null;
  package_received_at: number | null;
  passed_filters: number | null;
  filter_reasons: string | null;
  filtered_at: number | null;
  alert_details: string | null;
}

export interface NewAccident {
  id: string;
  userPk: number;
  alertId: number;
  source: string;
  time: number;
  lat: number | null;
  lng: number | null;
  receivedAt: number;
}

export interface AccidentQuery {
  from?: number;
  to?: number;
  userPk?: number;
  limit?: number;
}

export function accidentView(r: AccidentRow): Accident {
  const details = r.alert_details ? (JSON.parse(r.alert_details) as { peak_g?: unknown }) : null;
  return {
    id: r.id,
    type: 'Accident',
    device_id: r.user_id,
    source: r.source,
    time: new Date(r.time).toISOString(),
    lat: r.lat,
    lng: r.lng,
    peak_g: typeof details?.peak_g === 'number' ? details.peak_g : null,
    received_at: new Date(r.received_at).toISOString(),
    extra_received_at: isoOrNull(r.extra_received_at),
    package_received_at: isoOrNull(r.package_received_at),
    passed_filters: r.passed_filters === null ? null : r.passed_filters === 1,
    filter_reasons: r.filter_reasons ? (JSON.parse(r.filter_reasons) as string[]) : [],
    filtered_at: isoOrNull(r.filtered_at),
    alert_id: r.alert_id,
  };
}

const SELECT = `SELECT ac.*, u.user_id, u.company_id, al.details AS alert_details
  FROM accidents ac JOIN users u ON u.pk = ac.user_pk LEFT JOIN alerts al ON al.id = ac.alert_id`;

/** The accidents table: one row per crash alert, its four stages as columns. SQL only. */
export class AccidentStore {
  private readonly insertStmt;
  private readonly extraStmt;
  private readonly packageStmt;
  private readonly filteredStmt;
  private readonly byId;
  private readonly byAlert;
  private readonly listStmt;
  private readonly listDeviceStmt;
  private readonly pendingStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO accidents (id, user_pk, alert_id, source, time, lat, lng, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.extraStmt = db.prepare('UPDATE accidents SET extra = ?, extra_received_at = ? WHERE id = ? AND extra_received_at IS NULL');
    this.packageStmt = db.prepare(
      'UPDATE accidents SET package_received_at = ?, passed_filters = ?, filter_reasons = ? WHERE id = ? AND package_received_at IS NULL',
    );
    this.filteredStmt = db.prepare('UPDATE accidents SET filtered_at = ? WHERE id = ? AND filtered_at IS NULL');
    this.byId = db.prepare<[string], AccidentRow>(`${SELECT} WHERE ac.id = ?`);
    this.byAlert = db.prepare<[number], AccidentRow>(`${SELECT} WHERE ac.alert_id = ?`);
    this.listStmt = db.prepare<[string, number, number, number], AccidentRow>(
      `${SELECT} WHERE u.company_id = ? AND ac.time >= ? AND ac.time < ? ORDER BY ac.time DESC, ac.received_at DESC LIMIT ?`,
    );
    this.listDeviceStmt = db.prepare<[string, number, number, number, number], AccidentRow>(
      `${SELECT} WHERE u.company_id = ? AND ac.time >= ? AND ac.time < ? AND ac.user_pk = ? ORDER BY ac.time DESC, ac.received_at DESC LIMIT ?`,
    );
    this.pendingStmt = db.prepare<[], AccidentRow>(`${SELECT} WHERE ac.extra_received_at IS NULL OR ac.package_received_at IS NULL`);
  }

  insert(a: NewAccident): void {
    this.insertStmt.run(a.id, a.userPk, a.alertId, a.source, a.time, a.lat, a.lng, a.receivedAt);
  }

  /** false when the extra was already stored */
  setExtra(id: string, extra: ExtraData, at: number): boolean {
    return this.extraStmt.run(JSON.stringify(extra), at, id).changes === 1;
  }

  /** false when the package was already judged */
  setPackage(id: string, passed: boolean, reasons: string[], at: number): boolean {
    return this.packageStmt.run(at, passed ? 1 : 0, JSON.stringify(reasons), id).changes === 1;
  }

  setFiltered(id: string, at: number): boolean {
    return this.filteredStmt.run(at, id).changes === 1;
  }

  row(id: string): AccidentRow | undefined {
    return this.byId.get(id);
  }

  forAlert(alertId: number): AccidentRow | undefined {
    return this.byAlert.get(alertId);
  }

  /** The company's accident, or undefined (also for another company's). */
  get(companyId: string, id: string): AccidentRow | undefined {
    const r = this.byId.get(id);
    return r && r.company_id === companyId ? r : undefined;
  }

  list(companyId: string, q: AccidentQuery = {}): AccidentRow[] {
    const from = q.from ?? 0;
    const to = q.to ?? Number.MAX_SAFE_INTEGER;
    const limit = q.limit ?? 500;
    return q.userPk === undefined ? this.listStmt.all(companyId, from, to, limit) : this.listDeviceStmt.all(companyId, from, to, q.userPk, limit);
  }

  /** Accidents still waiting for their extra or their filter verdict (a restart picks them up). */
  pending(): AccidentRow[] {
    return this.pendingStmt.all();
  }
}
