/**
 * The signed-in session: token, expiry and user. In a browser it lives in localStorage, so every
 * tab of this browser shares one session until sign-out: a new tab opens signed in, and a
 * sign-out, an expiry or a 401 in any tab removes it for all of them (other tabs hear of it
 * through the `storage` event, see watchStoredSession). The expiry checks are the same on every
 * read: an expired or malformed stored session is deleted, never used. In the desktop app the
 * main process hands the session over through the preload (see desktop-bridge.ts) and nothing
 * is stored.
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

/** A stored value as a usable session: well-formed and not (about to be) expired; otherwise null. */
function usable(raw: string | null): Session | null {
  try {
    const s: unknown = raw ? JSON.parse(raw) : null;
    return isSession(s) && expiresInMs(s) > 0 ? s : null;
  } catch {
    return null;
  }
}

export function loadStoredSession(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const s = usable(raw);
    if (!s && raw !== null) localStorage.removeItem(STORAGE_KEY);
    return s;
  } catch {
    /* storage disabled: sign in again */
    return null;
  }
}

export function storeSession(s: Session): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
  } catch {
    /* storage disabled: the session lasts until reload */
  }
}

/**
 * Removes the stored session if it is this one (the token this tab used): a tab whose session
 * was already replaced by another tab's sign-in must not sign that newer session out.
 */
export function clearStoredSession(token: string): void {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (raw === null) return;
    const s: unknown = JSON.parse(raw);
    if (!isSession(s) || s.token === token) localStorage.removeItem(STORAGE_KEY);
  } catch {
    /* unreadable: nothing of ours to remove */
  }
}

/**
 * Calls `changed` when another tab of this browser stores or removes the session: the new
 * session, or null when it was removed (sign-out, expiry, 401) or is not usable. Returns the
 * unsubscribe function.
 */
export function watchStoredSession(changed: (s: Session | null) => void): () => void {
  const onStorage = (e: StorageEvent) => {
    if (e.storageArea !== localStorage) return;
    // key null: the other tab cleared all of the storage.
    if (e.key === STORAGE_KEY || e.key === null) changed(usable(e.key === null ? null : e.newValue));
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}

/** `?login=CODE` of a one-time sign-in link, and the URL without it. */
export function loginCodeFromUrl(href: string): { code: string; cleanUrl: string } | null {
  const url = new URL(href);
  const code = url.searchParams.get('login');
  if (!code) return null;
  url.searchParams.delete('login');
  return { code, cleanUrl: url.pathname + url.search + url.hash };
}
