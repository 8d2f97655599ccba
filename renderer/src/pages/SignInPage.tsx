/** Browser sign-in: company, user and password, exchanged for a session at POST /api/v1/auth/login. */
import { useState, type FormEvent } from 'react';
import { ApiError, signIn } from '../api/client';
import { retryWhen } from '../lib/format';
import type { Session } from '../session/session';

const LAST_COMPANY_KEY = 'fleetdesk.lastCompany';

function signInMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429) return `Too many failed sign-ins for this account. Try again ${retryWhen(err.retryAfterS)}.`;
    if (err.status === 401) return 'Wrong company, user or password.';
    if (err.status === 403) return capitalize(err.message) + '.';
    return capitalize(err.message);
  }
  return (err as Error).message || 'Sign-in failed.';
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function SignInPage(props: { baseUrl: string; notice?: string; error?: string; onSignedIn: (s: Session) => void }) {
  const [company, setCompany] = useState(() => localStorage.getItem(LAST_COMPANY_KEY) ?? '');
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(props.error ?? '');

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!company.trim() || !userId.trim() || !password) {
      setError('Enter the company, your user id and your password.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      const session = await signIn(props.baseUrl, { company: company.trim(), user_id: userId.trim(), password });
      try {
        localStorage.setItem(LAST_COMPANY_KEY, company.trim());
      } catch {
        /* remembering the company is a convenience */
      }
      props.onSignedIn(session);
    } catch (err) {
      setError(signInMessage(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="signin">
      <form className="signin-card" onSubmit={submit} noValidate data-testid="signin-form">
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true" />
          <h1>FleetDesk</h1>
        </div>
        <p className="signin-sub">Sign in to the dispatcher console</p>
        {props.notice && !error && (
          <p className="notice" role="status">
            {props.notice}
          </p>
        )}
        {error && (
          <p className="form-error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <label>
          Company
          <input name="company" autoComplete="organization" value={company} onChange={(e) => setCompany(e.target.value)} autoFocus={!company} />
        </label>
        <label>
          User
          <input name="user_id" autoComplete="username" value={userId} onChange={(e) => setUserId(e.target.value)} autoFocus={!!company} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
