/**
 * One-time sign-in links for office and admin users (headless set-ups, the demo): a random
 * code, of which only a SHA-256 hash is stored, exchanged once for a session token.
 */
import crypto from 'node:crypto';
import type { Db } from './store/database';
import type { Accounts } from './accounts';
import { AccountError, requireUser } from './accounts';
import type { UserRow } from './store/users';

export const DEFAULT_LINK_TTL_SECONDS = 15 * 60;
/** The query parameter the console reads the code from: `http://host:port/?login=CODE`. */
export const LOGIN_LINK_PARAM = 'login';

const hash = (code: string): string => crypto.createHash('sha256').update(code).digest('hex');

export function loginLinkUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/?${LOGIN_LINK_PARAM}=${code}`;
}

export function createLoginLink(db: Db, a: Accounts, companyId: string, userId: string, ttlSeconds = DEFAULT_LINK_TTL_SECONDS): { code: string; expiresAt: Date } {
  const user = requireUser(a, companyId, userId);
  if (user.role === 'driver') throw new AccountError('BadRequest', 'sign-in links are for office and admin users; drivers connect with a device token');
  if (user.disabled) throw new AccountError('BadRequest', `user "${userId}" is disabled`);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 10 || ttlSeconds > 7 * 24 * 3600) {
    throw new AccountError('BadRequest', 'a sign-in link lives from 10 seconds to 7 days');
  }
  const code = crypto.randomBytes(32).toString('base64url');
  const now = Date.now();
  db.prepare('INSERT INTO login_links (code_hash, user_pk, created_at, expires_at) VALUES (?, ?, ?, ?)').run(hash(code), user.pk, now, now + ttlSeconds * 1000);
  return { code, expiresAt: new Date(now + ttlSeconds * 1000) };
}

/** Marks the link used and returns its user; throws AccountError when unknown, used or expired. */
export function redeemLoginLink(db: Db, code: string, now = Date.now()): UserRow {
  const redeem = db.transaction(() => {
    const row = db.prepare<[string], { user_pk: number; expires_at: number; used_at: number | null }>(
      'SELECT user_pk, expires_at, used_at FROM login_links WHERE code_hash = ?',
    ).get(hash(code));
    if (!row) throw new AccountError('NotFound', 'this sign-in link is not valid');
    if (row.used_at !== null) throw new AccountError('Conflict', 'this sign-in link was already used; ask for a new one');
    if (row.expires_at <= now) throw new AccountError('Conflict', 'this sign-in link has expired; ask for a new one');
    db.prepare('UPDATE login_links SET used_at = ? WHERE code_hash = ?').run(now, hash(code));
    const user = db.prepare<[number], UserRow>('SELECT * FROM users WHERE pk = ?').get(row.user_pk);
    if (!user || user.disabled) throw new AccountError('NotFound', 'the user of this sign-in link no longer exists');
    return user;
  });
  return redeem.immediate();
}
