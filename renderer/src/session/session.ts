/**
 * The signed-in session: token, expiry and user. In a browser it lives in sessionStorage (one
 * tab, gone when the tab closes); in the desktop app the main process hands it over through
 * the preload (see desktop-bridge.ts) and nothing is stored.
 */
import type { LoginReply } from '../../../shared/api/schemas';

export type Session = LoginReply;

const STORAGE_KEY = 'fleetdesk.session';
/** Sign out this long before the token expires, so no request races the expiry. */
export const EXPIRY_MARGIN_MS = 5_000;

export function expiresInMs(s: Session, now = Date.now()): number {
  return Date.parse(s.expires_at) - EXPIRY_MARGIN_MS - now;
}

export function isSession(v: unknown): v is Session {
  const s = v as Session | null;
  return (
    typeof s?.token === 'string' &&
    typeof s.expires_at === 'string' &&
    !Number.isNaN(Date.parse(s.expires_at)) &&
    typeof s.user?.id === 'string' &&
    typeof s.user.company === 'string' &&
    (s.user.role === 'admin' || s.user.role === 'office')
  );
}

export function loadStoredSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const s: unknown = raw ? JSON.parse(raw) : null;
    if (isSession(s) && expiresInMs(s) > 0) return s;
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    /* unreadable or storage disabled: sign in again */
  }
  return null;
}

export function storeSession(s: Session | null): void {
  try {
    if (s) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    /* storage disabled: the session lasts until reload */
  }
}

/** `?login=CODE` of a one-time sign-in link, and the URL without it. */
export function loginCodeFromUrl(href: string): { code: string; cleanUrl: string } | null {
  const url = new URL(href);
  const code = url.searchParams.get('login');
  if (!code) return null;
  url.searchParams.delete('login');
  return { code, cleanUrl: url.pathname + url.search + url.hash };
}
