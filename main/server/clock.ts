/**
 * The server's one source of "now", and of timers measured on it. Everything time-dependent
 * (token expiry, the trip sweep, the crash pipeline's delay, sign-in locks, share expiry later)
 * reads the clock in the server's context, so tests move time instead of waiting for it
 * (test/support/manual-clock.ts). Transport timers (pings, the group-commit window, socket
 * buffers) stay on the event loop's own timers: they pace I/O, not business time.
 */
export interface Timer {
  clear(): void;
}

export interface Clock {
  /** epoch milliseconds */
  now(): number;
  /** Runs `fn` once this clock reaches `at` (epoch ms); at once when that has passed. */
  at(at: number, fn: () => void): Timer;
  /** Runs `fn` every `ms` of this clock. */
  every(ms: number, fn: () => void): Timer;
}

/** Node caps one timer at ~24.8 days. */
const MAX_DELAY = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  at(at, fn) {
    let t: NodeJS.Timeout;
    const arm = () => {
      const delay = at - Date.now();
      t = delay > MAX_DELAY ? setTimeout(arm, MAX_DELAY) : setTimeout(fn, Math.max(0, delay));
      t.unref();
    };
    arm();
    return { clear: () => clearTimeout(t) };
  },
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return { clear: () => clearInterval(t) };
  },
};
