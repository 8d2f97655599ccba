import type { AlertKind } from '../../../shared/protocol/device';
import type { AlertState, AlertView } from '../../../shared/api/alerts';
import type { EventLog } from '../store/events';
import type { Db } from '../store/database';
import { conflict, notFound } from '../errors';
import type { DeviceRef } from './device-status';
import { systemClock, type Clock } from '../clock';
import { isoOrNull } from '../../../shared/time';

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

/** A stored alert as the in-transaction hooks see it. */
export interface RecordedAlert extends NewAlert {
  id: number;
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
  resolved_at: number | null;
  resolved_by: string | null;
  note: string | null;
  accident_id: string | null;
  passed_filters: number | null;
}

export type AlertListener = (device: DeviceRef, alert: AlertView) => void;
/**
 * Runs inside the transaction that stores a new alert (e.g. the crash pipeline's first stage);
 * returns the ids of the events it recorded.
 */
export type AlertHook = (device: DeviceRef, alert: RecordedAlert) => number[];

export interface AlertListOptions {
  /** kept for the console's `?open=true` */
  openOnly?: boolean;
  state?: AlertState;
  /** server_time range, epoch ms: from inclusive, to exclusive */
  from?: number;
  to?: number;
  limit?: number;
}


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
    acknowledged_at: isoOrNull(r.acknowledged_at),
    acknowledged_by: r.acknowledged_by,
    resolved_at: isoOrNull(r.resolved_at),
    resolved_by: r.resolved_by,
    note: r.note,
    accident_id: r.accident_id,
    confirmed: r.passed_filters === null ? null : r.passed_filters === 1,
  };
}

const SELECT = `SELECT a.*, u.user_id, u.company_id, ac.id AS accident_id, ac.passed_filters
  FROM alerts a JOIN users u ON u.pk = a.user_pk LEFT JOIN accidents ac ON ac.alert_id = a.id`;

const STATE_WHERE: Record<AlertState, string> = {
  open: 'AND a.acknowledged_at IS NULL AND a.resolved_at IS NULL',
  acknowledged: 'AND a.acknowledged_at IS NOT NULL AND a.resolved_at IS NULL',
  resolved: 'AND a.resolved_at IS NOT NULL',
  all: '',
};

/**
 * SOS presses and crash reports from every source, stored durably (a phone resending an
 * unacknowledged alert is recognised by device and time) and announced to the offices. A new
 * SOS records the event SosReceived in the same transaction; hooks (the crash pipeline) add
 * theirs there too.
 */
export class AlertStore {
  private readonly listeners: AlertListener[] = [];
  private readonly hooks: AlertHook[] = [];
  private readonly insertStmt;
  private readonly byId;
  private readonly lists;
  private readonly ackStmt;
  private readonly resolveStmt;
  private readonly store;

  constructor(
    db: Db,
    private readonly events: EventLog,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
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
    ) as Record<AlertState, import('better-sqlite3').Statement<[string, number, number, number], AlertRow>>;
    this.ackStmt = db.prepare('UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL');
    this.resolveStmt = db.prepare(
      `UPDATE alerts SET resolved_at = ?, resolved_by = ?, note = ?,
         acknowledged_by = CASE WHEN acknowledged_at IS NULL THEN ? ELSE acknowledged_by END,
         acknowledged_at = COALESCE(acknowledged_at, ?)
       WHERE id = ? AND resolved_at IS NULL`,
    );
    this.store = db.transaction((device: DeviceRef, a: NewAlert): { id: number; events: number[] } | null => {
      const r = this.insertStmt.run(device.pk, a.kind, a.deviceTime, a.serverTime, a.lat, a.lng, a.source, a.details ? JSON.stringify(a.details) : null);
      if (r.changes === 0) return null;
      const id = Number(r.lastInsertRowid);
      const events: number[] = [];
      if (a.kind === 'sos') {
        events.push(
          this.events.record(
            {
              companyId: device.company_id,
              userPk: device.pk,
              event: 'SosReceived',
              objectId: String(id),
              objectType: 'Alert',
              details: { DateReceived: new Date(a.serverTime).toISOString(), DateOccurred: new Date(a.deviceTime).toISOString(), Lat: a.lat, Lng: a.lng, Source: a.source },
            },
            a.serverTime,
          ),
        );
      }
      for (const hook of this.hooks) events.push(...hook(device, { ...a, id }));
      return { id, events };
    });
  }

  /** Called for every new alert, again when one is acknowledged or resolved, and when a crash is confirmed or not. */
  onAlert(listener: AlertListener): void {
    this.listeners.push(listener);
  }

  /** Adds a hook that runs inside the transaction storing each new alert. */
  onRecord(hook: AlertHook): void {
    this.hooks.push(hook);
  }

  /** Stores the alert; a resent one (same device, kind and device time) is not stored or told twice. */
  record(device: DeviceRef, a: NewAlert): AlertView | null {
    const stored = this.store(device, a);
    if (!stored) return null;
    const alert = view(this.byId.get(stored.id) as AlertRow);
    for (const l of this.listeners) l(device, alert);
    return alert;
  }

  list(companyId: string, opts: AlertListOptions = {}): AlertView[] {
    const state = opts.openOnly ? 'open' : (opts.state ?? 'all');
    return this.lists[state].all(companyId, opts.from ?? 0, opts.to ?? Number.MAX_SAFE_INTEGER, opts.limit ?? 100).map(view);
  }

  get(companyId: string, id: number): (AlertView & { details: Record<string, unknown> | null }) | undefined {
    const r = this.byId.get(id);
    if (!r || !this.belongs(r, companyId)) return undefined;
    return { ...view(r), details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null };
  }

  /** Marks the alert acknowledged by `userId`; undefined when it is not the company's. */
  acknowledge(companyId: string, id: number, userId: string, now = this.clock.now()): AlertView | undefined {
    const r = this.byId.get(id);
    if (!r || !this.belongs(r, companyId)) return undefined;
    const changed = this.ackStmt.run(now, userId, id).changes === 1;
    const alert = view(this.byId.get(id) as AlertRow);
    // Every console learns it is handled (an alert with acknowledged_at set clears its banner).
    if (changed) this.tell(r, alert);
    return alert;
  }

  /** Closes the alert with a note (acknowledging it too if nobody had); once only (else Conflict, saying who did). */
  resolve(companyId: string, id: number, userId: string, note: string, now = this.clock.now()): AlertView {
    const r = this.byId.get(id);
    if (!r || !this.belongs(r, companyId)) throw notFound(`no alert ${id}`);
    const changed = this.resolveStmt.run(now, userId, note, userId, now, id).changes === 1;
    const alert = view(this.byId.get(id) as AlertRow);
    if (!changed) throw conflict(`alert ${id} was already resolved by ${alert.resolved_by ?? 'someone'} at ${alert.resolved_at ?? '?'}`);
    this.tell(r, alert);
    return alert;
  }

  /** Tells the listeners (the consoles) an alert changed, e.g. its crash was judged. */
  notify(id: number): void {
    const r = this.byId.get(id);
    if (r) this.tell(r, view(r));
  }

  private tell(r: AlertRow, alert: AlertView): void {
    for (const l of this.listeners) l({ pk: r.user_pk, company_id: r.company_id, user_id: r.user_id }, alert);
  }

  private belongs(r: AlertRow, companyId: string): boolean {
    return r.company_id === companyId;
  }
}
