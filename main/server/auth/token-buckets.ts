/**
 * Requests per client address on the public pages (share links): a token bucket on the
 * injected clock. Each address may make `burst` requests at once and `perMinute` a minute
 * after that; a full bucket is forgotten, so a stream of distinct addresses does not grow memory.
 */
import type { Clock } from '../clock';

export interface BucketRule {
  burst: number;
  perMinute: number;
}

/** A page load is ~3 requests (HTML, data, live feed) plus the browser's reconnects. */
export const PUBLIC_RATE: BucketRule = { burst: 60, perMinute: 60 };

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_KEYS = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly rule: BucketRule = PUBLIC_RATE,
  ) {}

  /** Takes one token for `key`: 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    const now = this.clock.now();
    const b = this.refilled(this.buckets.get(key), now);
    if (b.tokens >= 1 - 1e-9) {
      b.tokens -= 1;
      this.buckets.set(key, b);
      if (this.buckets.size > MAX_KEYS) this.prune(now);
      return 0;
    }
    this.buckets.set(key, b);
    return Math.max(1, Math.ceil(((1 - b.tokens) * 60) / this.rule.perMinute - 1e-9));
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(b: Bucket | undefined, now: number): Bucket {
    if (!b) return { tokens: this.rule.burst, at: now };
    const tokens = Math.min(this.rule.burst, b.tokens + ((now - b.at) / 60_000) * this.rule.perMinute);
    return { tokens, at: now };
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (this.refilled(b, now).tokens >= this.rule.burst) this.buckets.delete(k);
  }
}
