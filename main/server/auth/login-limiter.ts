/**
 * Failed sign-ins, counted per account and per client address in a sliding window.
 * Past the limit the login answers 429 with Retry-After until the window moves on.
 */
export interface LimiterOptions {
  windowMs: number;
  maxPerAccount: number;
  maxPerAddress: number;
}

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly options: LimiterOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before trying again, or 0 when allowed. */
  retryAfter(account: string, address: string): number {
    const a = this.recent(`a:${account}`);
    const b = this.recent(`ip:${address}`);
    const wait = (list: number[], max: number) =>
      list.length >= max ? Math.ceil(((list[list.length - max] as number) + this.options.windowMs - this.now()) / 1000) : 0;
    return Math.max(wait(a, this.options.maxPerAccount), wait(b, this.options.maxPerAddress), 0);
  }

  fail(account: string, address: string): void {
    const t = this.now();
    for (const key of [`a:${account}`, `ip:${address}`]) {
      const list = this.recent(key);
      list.push(t);
      this.failures.set(key, list);
    }
  }

  succeed(account: string): void {
    this.failures.delete(`a:${account}`);
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.options.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }
}
