/**
 * At most one live update per driver per interval (the seed: 1 per second). The interval is
 * checked on arrival time with a little slack for client timer jitter.
 */
export class DriverRateLimit {
  private readonly last = new Map<number, number>();

  constructor(private readonly minIntervalMs: number) {}

  /** Records the update and returns true when allowed; false when too soon. */
  allow(userPk: number, now: number): boolean {
    const prev = this.last.get(userPk);
    if (prev !== undefined && now - prev < this.minIntervalMs) return false;
    this.last.set(userPk, now);
    return true;
  }

  forget(userPk: number): void {
    this.last.delete(userPk);
  }
}
