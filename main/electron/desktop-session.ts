/**
 * The desktop owner's admin account. On one's own machine there is no password prompt: at
 * start the app makes sure a company and an admin user exist for the owner, and the window
 * asks main for a session token through the preload whenever it needs one.
 */
import type { DesktopSession } from '../../shared/ipc';
import { addCompany, addUser, issueToken, type Accounts } from '../server/accounts';
import type { Logger } from '../server/logger';
import type { UserRow } from '../server/store/users';

export interface DesktopOwner {
  companyId: string;
  companyName: string;
  userId: string;
}

export const DESKTOP_OWNER: DesktopOwner = { companyId: 'local', companyName: 'Local fleet', userId: 'desktop-admin' };

/** Lifetime of a desktop session token; the window asks for a new one before it runs out. */
export const DESKTOP_SESSION_TTL_SECONDS = 12 * 3600;

/**
 * Creates the owner's company and admin user when missing (idempotent across restarts).
 * The user has no password, so it cannot sign in from the network; only this app's window
 * gets its tokens. If someone disabled it or took its admin role, the owner still gets in:
 * whoever runs the app has the database file anyway.
 */
export async function ensureDesktopOwner(accounts: Accounts, logger: Logger, owner: DesktopOwner = DESKTOP_OWNER): Promise<UserRow> {
  if (!accounts.companies.get(owner.companyId)) {
    addCompany(accounts, owner.companyName, owner.companyId);
    logger.info({ company: owner.companyId }, 'created the desktop owner’s company');
  }
  const existing = accounts.users.get(owner.companyId, owner.userId);
  if (!existing) {
    const user = await addUser(accounts, { companyId: owner.companyId, userId: owner.userId, role: 'admin', display_name: 'Desktop admin' });
    logger.info({ company: owner.companyId, user: owner.userId }, 'created the desktop admin');
    return user;
  }
  if (existing.role !== 'admin' || existing.disabled) {
    logger.warn({ company: owner.companyId, user: owner.userId }, 'the desktop admin was disabled or not an admin; restored');
    return accounts.users.update(owner.companyId, owner.userId, { role: 'admin', disabled: false }) as UserRow;
  }
  return existing;
}

/** A fresh token for the owner, with the server URL the window uses. */
export function desktopSession(accounts: Accounts, serverUrl: string, owner: DesktopOwner = DESKTOP_OWNER): DesktopSession {
  const { token, expiresAt, user } = issueToken(accounts, owner.companyId, owner.userId, DESKTOP_SESSION_TTL_SECONDS);
  return {
    serverUrl: serverUrl.replace(/\/+$/, ''),
    token,
    expires_at: expiresAt.toISOString(),
    user: { id: user.user_id, role: user.role, company: user.company_id },
  };
}
