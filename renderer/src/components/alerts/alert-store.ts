/**
 * The open SOS and crash alerts the console shows: loaded from REST (GET /alerts?open=true)
 * and kept current by the live socket's `alert` messages. An alert acknowledged anywhere leaves.
 */
import type { AlertView } from '../../../../shared/protocol/device';

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
    const fresh = alerts.filter((a) => !a.acknowledged_at && !this.seen.has(a.id));
    this.open = new Map(alerts.filter((a) => !a.acknowledged_at).map((a) => [a.id, a]));
    for (const a of alerts) this.seen.add(a.id);
    this.changed();
    return fresh;
  }

  /** Whether this alert would be new to the console (open and never shown). */
  isNew(alert: AlertView): boolean {
    return !alert.acknowledged_at && !this.seen.has(alert.id);
  }

  /** One alert from the live socket (new, or acknowledged elsewhere); true when it is new. */
  apply(alert: AlertView): boolean {
    const isNew = !alert.acknowledged_at && !this.seen.has(alert.id);
    this.seen.add(alert.id);
    if (alert.acknowledged_at) this.open.delete(alert.id);
    else this.open.set(alert.id, alert);
    this.changed();
    return isNew;
  }

  remove(id: number): void {
    if (this.open.delete(id)) this.changed();
  }

  private changed(): void {
    this.list = [...this.open.values()].sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || b.id - a.id);
    for (const l of this.listeners) l();
  }
}
