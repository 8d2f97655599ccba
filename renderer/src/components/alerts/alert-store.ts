/**
 * The open SOS and crash alerts the console shows: loaded from REST (GET /alerts?open=true)
 * and kept current by the live socket's `alert` messages. An alert acknowledged or resolved
 * anywhere leaves. `version` changes with any alert news (the Alerts page reloads on it).
 */
import type { AlertRecord as AlertView } from '../../api/client';

/** Open: neither acknowledged nor resolved (those leave the banner and live on the Alerts page). */
const isOpen = (a: AlertView) => !a.acknowledged_at && !a.resolved_at;

export class AlertStore {
  private open = new Map<number, AlertView>();
  private list: AlertView[] = [];
  private readonly listeners = new Set<() => void>();
  /** alerts ever shown in this session: only an id not seen before sounds the alarm */
  private readonly seen = new Set<number>();

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** Open alerts, newest first (stable identity between changes, for useSyncExternalStore). */
  getOpen = (): readonly AlertView[] => this.list;

  /** The full open list from REST; returns the alerts not seen before. */
  load(alerts: AlertView[]): AlertView[] {
    const fresh = alerts.filter((a) => isOpen(a) && !this.seen.has(a.id));
    this.open = new Map(alerts.filter(isOpen).map((a) => [a.id, a]));
    for (const a of alerts) this.seen.add(a.id);
    this.changed();
    return fresh;
  }

  /** Whether this alert would be new to the console (open and never shown). */
  isNew(alert: AlertView): boolean {
    return isOpen(alert) && !this.seen.has(alert.id);
  }

  /** One alert from the live socket (new, or acknowledged elsewhere); true when it is new. */
  apply(alert: AlertView): boolean {
    const isNew = isOpen(alert) && !this.seen.has(alert.id);
    this.seen.add(alert.id);
    if (!isOpen(alert)) this.open.delete(alert.id);
    else this.open.set(alert.id, alert);
    this.changed();
    return isNew;
  }

  remove(id: number): void {
    if (this.open.delete(id)) this.changed();
  }

  /** Increases with every change (a new alert, an update, an acknowledgement here). */
  version = 0;
  getVersion = (): number => this.version;

  private changed(): void {
    this.version++;
    this.list = [...this.open.values()].sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || b.id - a.id);
    for (const l of this.listeners) l();
  }
}
