import { NumberMap } from './number-map';

/**
 * At most one live update per driver per interval (the seed: 1 per second), checked on arrival
 * time with a little slack for client timer jitter.
 *
 * The server must not blame a phone for its own delay: when the event loop runs late, updates a
 * phone sent a second apart are read together. So each accepted update also records how late
 * the server was running then (`lagMs`, loop-lag.ts), and the next one is measured from the
 * earliest moment the previous could really have arrived (at most one interval earlier), but
 * never from before the slot the previous one used: a late server lets one extra update through
 * after a stall, and over any longer time the rate stays one per interval. With the loop on
 * time (every test, any healthy server) the rule is exactly "one per interval".
 */
export class DriverRateLimit {
  /** per device: the slot of its last accepted update (the earliest it can have arrived, never before the slot before it) */
  private readonly last = new NumberMap();

  constructor(
    private readonly minIntervalMs: number,
    /** how late the server's event loop runs now, ms */
    private readonly lagMs: () => number = () => 0,
  ) {}

  /** Records the update and returns true when allowed; false when too soon. */
  allow(userPk: number, now: number): boolean {
    const prev = this.last.get(userPk);
    if (prev !== undefined && now - prev < this.minIntervalMs) return false;
    const earliest = now - Math.min(this.lagMs(), this.minIntervalMs);
    this.last.set(userPk, prev === undefined ? earliest : Math.max(earliest, prev + this.minIntervalMs));
    return true;
  }

  forget(userPk: number): void {
    this.last.delete(userPk);
  }
}
