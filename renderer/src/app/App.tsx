/**
 * Who is signed in, and how: the desktop app's session (from the preload), a one-time sign-in
 * link (`?login=CODE`), the session this browser keeps (shared by its tabs, session/session.ts),
 * or the sign-in page. The session ends on expiry, on a 401, or when the live socket reports the
 * token revoked, and then for every tab: the stored session is removed and the other tabs
 * follow. When another tab signs in as someone else, this tab does not silently become that
 * account (it may be showing another company's fleet, or a half-filled form): it shows the
 * sign-in page and says who signed in; a reload continues as them. A new token for the same
 * account (a sign-in link opened in another tab) is taken over in place.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, redeemLoginLink } from '../api/client';
import { browserBaseUrl, desktopSession, isDesktop } from '../session/desktop-bridge';
import { clearStoredSession, expiresInMs, loadStoredSession, loginCodeFromUrl, storeSession, watchStoredSession, type Session } from '../session/session';
import { SignInPage } from '../pages/SignInPage';
import { startTheme } from '../theme/theme';
import { Console } from './Console';

// Before the first render, so no page flashes light in a dark theme.
startTheme();

type State =
  | { kind: 'loading' }
  | { kind: 'desktop-error'; message: string }
  | { kind: 'signed-out'; baseUrl: string; notice?: string; error?: string }
  | { kind: 'signed-in'; baseUrl: string; session: Session; desktop: boolean };

/** setTimeout holds at most 2^31-1 ms; a longer session is re-checked when that fires. */
const MAX_TIMER_MS = 2_147_483_647;

async function initialState(): Promise<State> {
  if (isDesktop()) {
    try {
      const { session, baseUrl } = await desktopSession();
      return { kind: 'signed-in', session, baseUrl, desktop: true };
    } catch (err) {
      return { kind: 'desktop-error', message: (err as Error).message };
    }
  }
  const baseUrl = browserBaseUrl();
  const link = loginCodeFromUrl(location.href);
  if (link) {
    // The code works once: drop it from the address bar (and history) whatever the outcome.
    history.replaceState(history.state, '', link.cleanUrl);
    try {
      const session = await redeemLoginLink(baseUrl, link.code);
      storeSession(session);
      return { kind: 'signed-in', session, baseUrl, desktop: false };
    } catch (err) {
      // Plain words (ApiError's message), never the server's sentence.
      const why = err instanceof ApiError && err.status === 401 ? 'it was already used or has expired. Ask for a new one.' : (err as Error).message;
      return { kind: 'signed-out', baseUrl, error: `Sign-in link not accepted: ${why}` };
    }
  }
  const stored = loadStoredSession();
  return stored ? { kind: 'signed-in', session: stored, baseUrl, desktop: false } : { kind: 'signed-out', baseUrl };
}

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const current = useRef(state);
  current.current = state;

  useEffect(() => {
    let cancelled = false;
    void initialState().then((s) => !cancelled && setState(s));
    return () => {
      cancelled = true;
    };
  }, []);

  const signOut = useCallback((notice?: string) => {
    const s = current.current;
    if (s.kind !== 'signed-in') return;
    if (s.desktop) {
      // The desktop app has no sign-in page: ask the main process for a fresh session.
      setState({ kind: 'loading' });
      void initialState().then(setState);
    } else {
      clearStoredSession(s.session.token);
      setState({ kind: 'signed-out', baseUrl: s.baseUrl, notice });
    }
  }, []);

  // Another tab signed in, signed out, or its session ended.
  useEffect(() => {
    if (isDesktop()) return;
    return watchStoredSession((stored) => {
      const s = current.current;
      if (s.kind === 'signed-out' && stored) setState({ kind: 'signed-in', session: stored, baseUrl: s.baseUrl, desktop: false });
      if (s.kind !== 'signed-in' || s.desktop || stored?.token === s.session.token) return;
      if (!stored) setState({ kind: 'signed-out', baseUrl: s.baseUrl, notice: 'You were signed out in another tab.' });
      else if (stored.user.company === s.session.user.company && stored.user.id === s.session.user.id) setState({ ...s, session: stored });
      else {
        const who = `${stored.user.id} (${stored.user.company})`;
        setState({ kind: 'signed-out', baseUrl: s.baseUrl, notice: `${who} signed in in another tab, so this tab was signed out. Reload the page to continue as ${stored.user.id}.` });
      }
    });
  }, []);

  const session = state.kind === 'signed-in' ? state.session : null;
  useEffect(() => {
    if (!session) return;
    const check = () => {
      const left = expiresInMs(session);
      if (left <= 0) signOut('Your session expired; sign in again.');
      else timer = setTimeout(check, Math.min(left, MAX_TIMER_MS));
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    check();
    return () => clearTimeout(timer);
  }, [session, signOut]);

  if (state.kind === 'loading') return <div className="boot">Loading FleetDesk…</div>;
  if (state.kind === 'desktop-error') {
    return (
      <div className="boot">
        <p className="form-error" role="alert">
          {state.message}
        </p>
      </div>
    );
  }
  if (state.kind === 'signed-out') {
    return (
      <SignInPage
        baseUrl={state.baseUrl}
        notice={state.notice}
        error={state.error}
        onSignedIn={(s) => {
          storeSession(s);
          setState({ kind: 'signed-in', session: s, baseUrl: state.baseUrl, desktop: false });
        }}
      />
    );
  }
  return <Console key={state.session.token} session={state.session} baseUrl={state.baseUrl} desktop={state.desktop} onSignOut={signOut} />;
}
