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

  /** live updates, numbered, so a REST answer does not undo news that arrived while it was on its way */
  private liveSeq = 0;
  private readonly live = new Map<number, { seq: number; alert: AlertView }>();

  /** Call before requesting the open list; pass the result to `load`. */
  mark = (): number => this.liveSeq;

  /**
   * The full open list from REST, requested at `mark` (default: now); returns the alerts not
   * seen before. An alert the live socket reported after the mark keeps its live state (new
   * since, or acknowledged/resolved since).
   */
  load(alerts: AlertView[], mark = this.liveSeq): AlertView[] {
    const fresh = alerts.filter((a) => isOpen(a) && !this.seen.has(a.id));
    this.open = new Map(alerts.filter(isOpen).map((a) => [a.id, a]));
    for (const [id, l] of this.live) {
      if (l.seq <= mark) continue;
      if (isOpen(l.alert)) this.open.set(id, l.alert);
      else this.open.delete(id);
    }
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
    this.live.set(alert.id, { seq: ++this.liveSeq, alert });
    if (!isOpen(alert)) this.open.delete(alert.id);
    else this.open.set(alert.id, alert);
    this.changed();
    return isNew;
  }

  /** Acknowledged or resolved here: gone, and a REST answer already on its way does not bring it back. */
  remove(id: number): void {
    const a = this.open.get(id) ?? this.live.get(id)?.alert;
    if (a) this.live.set(id, { seq: ++this.liveSeq, alert: { ...a, acknowledged_at: a.acknowledged_at ?? new Date().toISOString() } });
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
