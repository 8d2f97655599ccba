/**
 * One-time sign-in links for office and admin users (headless set-ups, the demo): a random
 * code, of which only a SHA-256 hash is stored, exchanged once for a session token.
 */
import type { Accounts } from './accounts';
import { requireUser } from './accounts';
import { DomainError } from './errors';
import type { UserRow } from './store/users';
import type { LinkPurpose } from './store/login-links';

export const DEFAULT_LINK_TTL_SECONDS = 15 * 60;
/** The query parameter the console reads the code from: `http://host:port/?login=CODE`. */
export const LOGIN_LINK_PARAM = 'login';

export function loginLinkUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/?${LOGIN_LINK_PARAM}=${code}`;
}

export type { LinkPurpose };

function checkTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 10 || ttlSeconds > 7 * 24 * 3600) {
    throw new DomainError('BadRequest', 'a sign-in link lives from 10 seconds to 7 days');
  }
}

/** Stores a new one-time link for `purpose` and returns its code (only its hash is kept). */
export function insertLink(a: Accounts, userPk: number, purpose: LinkPurpose, ttlSeconds: number): { code: string; expiresAt: Date } {
  checkTtl(ttlSeconds);
  return a.links.create(userPk, purpose, ttlSeconds);
}

export function createLoginLink(a: Accounts, companyId: string, userId: string, ttlSeconds = DEFAULT_LINK_TTL_SECONDS): { code: string; expiresAt: Date } {
  const user = requireUser(a, companyId, userId);
  if (user.role === 'driver') throw new DomainError('BadRequest', 'sign-in links are for office and admin users; drivers connect with a device token');
  if (user.disabled) throw new DomainError('BadRequest', `user "${userId}" is disabled`);
  return insertLink(a, user.pk, 'login', ttlSeconds);
}

/** Marks the link used and returns its user; throws AccountError when unknown, used or expired. */
export function redeemLoginLink(a: Accounts, code: string): UserRow {
  return redeemLink(a, code, 'login');
}

/** Redeems a one-time link made for `purpose` (a link for another purpose is not valid here). */
export function redeemLink(a: Accounts, code: string, purpose: LinkPurpose): UserRow {
  const noun = purpose === 'login' ? 'sign-in link' : 'enrolment link';
  const r = a.links.redeem(code, purpose);
  if (!r.ok) {
    if (r.why === 'unknown') throw new DomainError('NotFound', `this ${noun} is not valid`);
    if (r.why === 'used') throw new DomainError('Conflict', `this ${noun} was already used; ask for a new one`);
    throw new DomainError('Conflict', `this ${noun} has expired; ask for a new one`);
  }
  const user = a.users.getByPk(r.userPk);
  if (!user || user.disabled) throw new DomainError('NotFound', `the user of this ${noun} no longer exists or is disabled`);
  return user;
}
