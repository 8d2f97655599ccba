import type { AlertState, AlertView } from '../../../shared/api/alerts';
import { alertStatusNotice, type AlertStatusNotice } from '../../../shared/protocol/server-messages';
import { alertView, type AlertRow, type NewAlert } from '../store/alerts';
import type { Storage } from '../store/storage';
import { conflict, notFound } from '../errors';
import type { DeviceRef } from './device-status';
import { systemClock, type Clock } from '../clock';

/** A stored alert as the in-transaction hooks see it. */
export interface RecordedAlert extends NewAlert {
  id: number;
}

/** A driver that reconnects is told again about its alerts the office handled this long ago at most. */
export const HANDLED_ALERTS_WINDOW_MS = 24 * 3600_000;
const HANDLED_ALERTS_MAX = 10;

/** The driver's notice, with the time as the phone sent it (the one it knows the alert by). */
function statusOf(r: AlertRow): AlertStatusNotice | null {
  const details = r.details ? (JSON.parse(r.details) as { reported_time?: unknown }) : null;
  const sent = typeof details?.reported_time === 'number' ? new Date(details.reported_time).toISOString() : undefined;
  return alertStatusNotice(alertView(r), sent);
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

/**
 * SOS presses and crash reports from every source, stored durably (a phone resending an
 * unacknowledged alert is recognised by device and time) and announced to the offices. A new
 * SOS records the event SosReceived in the same transaction; hooks (the crash pipeline) add
 * theirs there too.
 */
export class AlertStore {
  private readonly listeners: AlertListener[] = [];
  private readonly hooks: AlertHook[] = [];
  private readonly table: Storage['alerts'];
  private readonly events: Storage['events'];

  constructor(
    private readonly storage: Pick<Storage, 'alerts' | 'events' | 'atomically'>,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.table = storage.alerts;
    this.events = storage.events;
  }

  /** The alert and its events (SosReceived, the hooks') in one transaction; null for a resend. */
  private store(device: DeviceRef, a: NewAlert): { id: number; events: number[] } | null {
    return this.storage.atomically(() => {
      const id = this.table.insert(device.pk, a);
      if (id === null) return null;
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
    const alert = alertView(this.table.get(stored.id) as AlertRow);
    for (const l of this.listeners) l(device, alert);
    return alert;
  }

  list(companyId: string, opts: AlertListOptions = {}): AlertView[] {
    const state = opts.openOnly ? 'open' : (opts.state ?? 'all');
    return this.table.list(companyId, state, opts.from ?? 0, opts.to ?? Number.MAX_SAFE_INTEGER, opts.limit ?? 100).map(alertView);
  }

  /** What the driver's phone is told of the alert: null until the office acknowledged it. */
  driverStatus(id: number): AlertStatusNotice | null {
    const r = this.table.get(id);
    return r ? statusOf(r) : null;
  }

  /** What a device's phone is told on connecting: its alerts the office handled, received in the last day, oldest first. */
  handledOf(userPk: number, now = this.clock.now()): AlertStatusNotice[] {
    return this.table
      .handledOf(userPk, now - HANDLED_ALERTS_WINDOW_MS, HANDLED_ALERTS_MAX)
      .reverse()
      .map(statusOf)
      .filter((n): n is AlertStatusNotice => n !== null);
  }

  get(companyId: string, id: number): (AlertView & { details: Record<string, unknown> | null }) | undefined {
    const r = this.table.get(id);
    if (!r || !this.belongs(r, companyId)) return undefined;
    return { ...alertView(r), details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null };
  }

  /** Marks the alert acknowledged by `userId`; undefined when it is not the company's. */
  acknowledge(companyId: string, id: number, userId: string, now = this.clock.now()): AlertView | undefined {
    const r = this.table.get(id);
    if (!r || !this.belongs(r, companyId)) return undefined;
    const changed = this.table.acknowledge(id, userId, now);
    const alert = alertView(this.table.get(id) as AlertRow);
    // Every console learns it is handled (an alert with acknowledged_at set clears its banner).
    if (changed) this.tell(r, alert);
    return alert;
  }

  /** Closes the alert with a note (acknowledging it too if nobody had); once only (else Conflict, saying who did). */
  resolve(companyId: string, id: number, userId: string, note: string, now = this.clock.now()): AlertView {
    const r = this.table.get(id);
    if (!r || !this.belongs(r, companyId)) throw notFound(`no alert ${id}`);
    const changed = this.table.resolve(id, userId, note, now);
    const alert = alertView(this.table.get(id) as AlertRow);
    if (!changed) throw conflict(`alert ${id} was already resolved by ${alert.resolved_by ?? 'someone'} at ${alert.resolved_at ?? '?'}`);
    this.tell(r, alert);
    return alert;
  }

  /** Tells the listeners (the consoles) an alert changed, e.g. its crash was judged. */
  notify(id: number): void {
    const r = this.table.get(id);
    if (r) this.tell(r, alertView(r));
  }

  private tell(r: AlertRow, alert: AlertView): void {
    for (const l of this.listeners) l({ pk: r.user_pk, company_id: r.company_id, user_id: r.user_id }, alert);
  }

  private belongs(r: AlertRow, companyId: string): boolean {
    return r.company_id === companyId;
  }
}
