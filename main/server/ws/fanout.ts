/** Something that can take a live update; TrackConnection in practice. */
export interface Subscriber {
  /** true while subscribed to `company:drivers` (then per-driver subscriptions add nothing) */
  readonly companySubscribed: boolean;
  sendUpdate(deviceKey: number, data: string): void;
  /** Sent at once and never merged away under backpressure (alerts). */
  sendUrgent(data: string): void;
}

/**
 * Who receives which driver's updates. Driver keys are global user keys and a connection can
 * only subscribe within its own company, so nothing crosses companies.
 */
export class Fanout<S extends Subscriber = Subscriber> {
  private readonly byCompany = new Map<string, Set<S>>();
  private readonly byDriver = new Map<number, Set<S>>();

  subscribeCompany(s: S, companyId: string): void {
    add(this.byCompany, companyId, s);
  }

  unsubscribeCompany(s: S, companyId: string): void {
    remove(this.byCompany, companyId, s);
  }

  subscribeDriver(s: S, driverKey: number): void {
    add(this.byDriver, driverKey, s);
  }

  unsubscribeDriver(s: S, driverKey: number): void {
    remove(this.byDriver, driverKey, s);
  }

  hasSubscribers(companyId: string, driverKey: number): boolean {
    return this.byCompany.has(companyId) || this.byDriver.has(driverKey);
  }

  /**
   * `data` is serialized once by the caller and shared by every recipient. Under backpressure
   * only the newest message per `queueKey` is kept (default: the driver, for its positions).
   */
  publish(companyId: string, driverKey: number, data: string, queueKey = driverKey): void {
    for (const s of this.recipients(companyId, driverKey)) s.sendUpdate(queueKey, data);
  }

  publishUrgent(companyId: string, driverKey: number, data: string): void {
    for (const s of this.recipients(companyId, driverKey)) s.sendUrgent(data);
  }

  private *recipients(companyId: string, driverKey: number): Iterable<S> {
    const all = this.byCompany.get(companyId);
    if (all) yield* all;
    const one = this.byDriver.get(driverKey);
    if (one) for (const s of one) if (!s.companySubscribed) yield s;
  }
}

function add<K, S>(map: Map<K, Set<S>>, key: K, s: S): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(s);
}

function remove<K, S>(map: Map<K, Set<S>>, key: K, s: S): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(s);
  if (set.size === 0) map.delete(key);
}
