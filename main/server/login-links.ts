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

export type LinkPurpose = 'login' | 'enrol';

function checkTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 10 || ttlSeconds > 7 * 24 * 3600) {
    throw new AccountError('BadRequest', 'a sign-in link lives from 10 seconds to 7 days');
  }
}

/** Stores a new one-time link for `purpose` and returns its code (only its hash is kept). */
export function insertLink(db: Db, userPk: number, purpose: LinkPurpose, ttlSeconds: number): { code: string; expiresAt: Date } {
  checkTtl(ttlSeconds);
  const code = crypto.randomBytes(32).toString('base64url');
  const now = Date.now();
  db.prepare('INSERT INTO login_links (code_hash, user_pk, created_at, expires_at, purpose) VALUES (?, ?, ?, ?, ?)').run(hash(code), userPk, now, now + ttlSeconds * 1000, purpose);
  return { code, expiresAt: new Date(now + ttlSeconds * 1000) };
}

export function createLoginLink(db: Db, a: Accounts, companyId: string, userId: string, ttlSeconds = DEFAULT_LINK_TTL_SECONDS): { code: string; expiresAt: Date } {
  const user = requireUser(a, companyId, userId);
  if (user.role === 'driver') throw new AccountError('BadRequest', 'sign-in links are for office and admin users; drivers connect with a device token');
  if (user.disabled) throw new AccountError('BadRequest', `user "${userId}" is disabled`);
  checkTtl(ttlSeconds);
  return insertLink(db, user.pk, 'login', ttlSeconds);
}

/** Marks the link used and returns its user; throws AccountError when unknown, used or expired. */
export function redeemLoginLink(db: Db, code: string, now = Date.now()): UserRow {
  return redeemLink(db, code, 'login', now);
}

/** Redeems a one-time link made for `purpose` (a link for another purpose is not valid here). */
export function redeemLink(db: Db, code: string, purpose: LinkPurpose, now = Date.now()): UserRow {
  const noun = purpose === 'login' ? 'sign-in link' : 'enrolment link';
  const redeem = db.transaction(() => {
    const row = db.prepare<[string, string], { user_pk: number; expires_at: number; used_at: number | null }>(
      'SELECT user_pk, expires_at, used_at FROM login_links WHERE code_hash = ? AND purpose = ?',
    ).get(hash(code), purpose);
    if (!row) throw new AccountError('NotFound', `this ${noun} is not valid`);
    if (row.used_at !== null) throw new AccountError('Conflict', `this ${noun} was already used; ask for a new one`);
    if (row.expires_at <= now) throw new AccountError('Conflict', `this ${noun} has expired; ask for a new one`);
    db.prepare('UPDATE login_links SET used_at = ? WHERE code_hash = ?').run(now, hash(code));
    const user = db.prepare<[number], UserRow>('SELECT * FROM users WHERE pk = ?').get(row.user_pk);
    if (!user || user.disabled) throw new AccountError('NotFound', `the user of this ${noun} no longer exists or is disabled`);
    return user;
  });
  return redeem.immediate();
}
