/**
 * A clock that moves only when a test says so: `advance(ms)` runs every timer that falls due
 * on the way, in time order, each with the clock set to its own time. Starts at the real time
 * (fixes and tokens made by the test's own Date.now() stay close to it).
 */
import type { Clock, Timer } from '../../main/server/clock';

interface Pending {
  at: number;
  fn: () => void;
  /** repeat interval, for `every` */
  every: number | null;
  cleared: boolean;
}

export class ManualClock implements Clock {
  private t: number;
  private readonly timers: Pending[] = [];

  constructor(start = Date.now()) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  at(at: number, fn: () => void): Timer {
    return this.add({ at, fn, every: null, cleared: false });
  }

  every(ms: number, fn: () => void): Timer {
    return this.add({ at: this.t + ms, fn, every: ms, cleared: false });
  }

  /** Moves time forward by `ms`, running what falls due. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((p) => !p.cleared && p.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.t = Math.max(this.t, next.at);
      if (next.every !== null) next.at += next.every;
      else next.cleared = true;
      next.fn();
    }
    this.t = end;
    for (let i = this.timers.length - 1; i >= 0; i--) if (this.timers[i]!.cleared) this.timers.splice(i, 1);
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.timers.filter((p) => !p.cleared).length;
  }

  private add(p: Pending): Timer {
    // A timer already due runs on the next advance (as a real one runs on the next tick).
    this.timers.push(p);
    return { clear: () => (p.cleared = true) };
  }
}
