/**
 * The one rate-limit block of every sign-in and every phone route: refuse with 429 while a key
 * is locked (before anything is evaluated), count failures, forget them on success.
 */
import { attemptKeys, type AttemptKey } from '../auth/attempt-limiter';
import type { ServerContext } from '../context';
import { rateLimited } from './errors';

/** The keys a request counts against (see attemptKeys). */
export const keysOf = (ctx: ServerContext) => attemptKeys(ctx.config.login);

/** 429 with Retry-After while any of the keys is locked. */
export function assertNotLocked(ctx: ServerContext, keys: AttemptKey[], what = 'failed attempts'): void {
  const waitMs = Math.max(0, ...keys.map((k) => ctx.attempts.waitMs(k.key)));
  if (waitMs === 0) return;
  const s = Math.ceil(waitMs / 1000);
  throw rateLimited(`too many ${what} from here; try again in ${waitDescription(s)}`, s);
}

export function countFailure(ctx: ServerContext, keys: AttemptKey[]): void {
  for (const k of keys) ctx.attempts.fail(k.key, k.rule);
}

const waitDescription = (s: number): string => (s < 120 ? `${s} s` : s < 7200 ? `${Math.ceil(s / 60)} min` : `${Math.ceil(s / 3600)} h`);
