import { performance } from 'node:perf_hooks';

const PROBE_MS = 50;
/** the lag reported is the worst seen in the current and the previous window */
const WINDOW_MS = 1000;

/**
 * How far behind the event loop runs now: a timer that should fire every 50 ms measures how
 * late it fires; `ms` is the worst delay over the last one to two seconds. The rate limit
 * uses it so a phone is never refused for messages the server itself read late and together.
 * Transport pacing, not business time: it reads the loop's own clock, never the injected one.
 */
export class LoopLag {
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  private current = 0;
  private previous = 0;
  private windowStart = 0;

  start(): void {
    if (this.timer) return;
    this.last = this.windowStart = performance.now();
    this.timer = setInterval(() => this.probe(), PROBE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.current = this.previous = 0;
  }

  /**
   * The worst lag of the last one to two seconds, ms (0 while stopped), or the stall in
   * progress: read during a long synchronous run, the probe has not fired for that long.
   */
  get ms(): number {
    if (!this.timer) return 0;
    const ongoing = performance.now() - this.last - PROBE_MS;
    return Math.max(this.current, this.previous, ongoing);
  }

  private probe(): void {
    const now = performance.now();
    const late = Math.max(0, now - this.last - PROBE_MS);
    this.last = now;
    if (now - this.windowStart >= WINDOW_MS) {
      this.previous = this.current;
      this.current = 0;
      this.windowStart = now;
    }
    this.current = Math.max(this.current, late);
  }
}
