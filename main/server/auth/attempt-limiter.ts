/**
 * Failed attempts (passwords, sign-in codes, device keys), counted per key in fixed windows.
 * A key that reaches its rule's limit is locked for the window; each further lock doubles, up
 * to `maxLockMs`, so a patient guesser gets slower and slower. While locked, nothing is
 * evaluated: a locked caller learns nothing about whether its next guess would have been right.
 * Entries are swept on a timer, so a stream of distinct failed names does not grow memory.
 */
import type { Clock } from '../clock';

export interface AttemptRule {
  /** failures in one window that lock the key */
  max: number;
  windowMs: number;
  /** the longest a lock grows to */
  maxLockMs: number;
}

interface Entry {
  windowStart: number;
  count: number;
  lockedUntil: number;
  /** locks so far; forgotten a maxLockMs after the last failure */
  strikes: number;
  lastFailure: number;
  rule: AttemptRule;
}

export class AttemptLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** Milliseconds before `key` may try again; 0 when it may now. */
  waitMs(key: string): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.lockedUntil - this.clock.now()) : 0;
  }

  fail(key: string, rule: AttemptRule): void {
    const now = this.clock.now();
    let e = this.entries.get(key);
    if (!e) {
      e = { windowStart: now, count: 0, lockedUntil: 0, strikes: 0, lastFailure: now, rule };
      this.entries.set(key, e);
    }
    if (now - e.lastFailure > rule.maxLockMs) e.strikes = 0;
    if (now - e.windowStart >= rule.windowMs) {
      e.windowStart = now;
      e.count = 0;
    }
    e.lastFailure = now;
    if (++e.count >= rule.max) {
      e.lockedUntil = now + Math.min(rule.windowMs * 2 ** e.strikes, rule.maxLockMs);
      e.strikes++;
      e.count = 0;
      e.windowStart = now;
    }
  }

  /** A success: the key's failures and locks are forgotten. */
  succeed(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets keys that are neither locked nor able to be (their window and strikes have passed). */
  sweep(): void {
    const now = this.clock.now();
    for (const [key, e] of this.entries) {
      const keep = e.strikes > 0 ? e.rule.maxLockMs : e.rule.windowMs;
      if (e.lockedUntil <= now && now - e.lastFailure > keep) this.entries.delete(key);
    }
  }

  /** Keys held in memory (for the tests that prove it stays bounded). */
  get size(): number {
    return this.entries.size;
  }
}

/** The limits, as configured (`login` in the server config). */
export interface LimiterOptions {
  /** the window of sign-in failures */
  windowMs: number;
  /** wrong passwords for one account from one address before that pair waits */
  maxPerAccount: number;
  /** failed sign-ins from one address, any account or sign-in link */
  maxPerAddress: number;
  /** unknown or replaced device keys and bad enrolment codes from one address (every phone route) */
  maxPhoneFailures: number;
  phoneWindowMs: number;
  /** the longest a lock grows to by doubling */
  maxLockMs: number;
}

export const DEFAULT_LIMITS: LimiterOptions = {
  windowMs: 15 * 60_000,
  maxPerAccount: 5,
  maxPerAddress: 50,
  maxPhoneFailures: 30,
  phoneWindowMs: 10 * 60_000,
  maxLockMs: 24 * 3600_000,
};

/** The keys and rules every route uses: one account from one address, one address, one phone address. */
export function attemptKeys(o: LimiterOptions) {
  const rule = (max: number, windowMs: number): AttemptRule => ({ max, windowMs, maxLockMs: o.maxLockMs });
  return {
    account: (account: string, address: string) => ({ key: `account\u0000${account}\u0000${address}`, rule: rule(o.maxPerAccount, o.windowMs) }),
    address: (address: string) => ({ key: `address\u0000${address}`, rule: rule(o.maxPerAddress, o.windowMs) }),
    phone: (address: string) => ({ key: `phone\u0000${address}`, rule: rule(o.maxPhoneFailures, o.phoneWindowMs) }),
  };
}
export type AttemptKey = ReturnType<ReturnType<typeof attemptKeys>['account']>;
