/** Browser sign-in: company, user and password, exchanged for a session at POST /api/v1/auth/login. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, signIn } from '../api/client';
import { Field, inputProps } from '../components/Field';
import { formErrors, type FieldSpecs } from '../lib/form-errors';
import { retryWhen } from '../lib/format';
import type { Session } from '../session/session';

type Key = 'company' | 'user_id' | 'password';
const SPECS: FieldSpecs<Key> = { company: { label: 'Company' }, user_id: { label: 'User' }, password: { label: 'Password' } };

const LAST_COMPANY_KEY = 'fleetdesk.lastCompany';

/** A failed sign-in in plain words: at the field when the server names one. */
const signInErrors = (err: unknown) =>
  formErrors(err, SPECS, {
    RateLimited: (e: ApiError) => `Too many failed sign-ins for this account. Try again ${retryWhen(e.retryAfterS)}.`,
    Unauthorized: 'Wrong company, user or password.',
    Forbidden: 'Drivers do not sign in here: they use the driver app on their phone.',
  });

export function SignInPage(props: { baseUrl: string; notice?: string; error?: string; onSignedIn: (s: Session) => void }) {
  const [company, setCompany] = useState(() => localStorage.getItem(LAST_COMPANY_KEY) ?? '');
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(props.error ?? '');
  const [fields, setFields] = useState<Partial<Record<Key, string>>>({});
  const [round, setRound] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  // After a refusal, the first refused field takes the focus.
  useEffect(() => {
    if (round) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [round]);
  const edited = (k: Key) => {
    setFields(({ [k]: _gone, ...rest }) => rest);
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const missing: Partial<Record<Key, string>> = {};
    if (!company.trim()) missing.company = 'Enter your company.';
    if (!userId.trim()) missing.user_id = 'Enter your user id.';
    if (!password) missing.password = 'Enter your password.';
    if (Object.keys(missing).length) {
      setFields(missing);
      setError('Enter the company, your user id and your password.');
      setRound((r) => r + 1);
      return;
    }
    setBusy(true);
    setError('');
    setFields({});
    try {
      const session = await signIn(props.baseUrl, { company: company.trim(), user_id: userId.trim(), password });
      try {
        localStorage.setItem(LAST_COMPANY_KEY, company.trim());
      } catch {
        /* remembering the company is a convenience */
      }
      props.onSignedIn(session);
    } catch (err) {
      const words = signInErrors(err);
      setError(words.general ?? '');
      setFields(words.fields);
      setRound((r) => r + 1);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="signin">
      <form className="signin-card" onSubmit={submit} noValidate data-testid="signin-form" ref={formRef}>
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
        <Field label="Company" error={fields.company}>
          {(ids) => (
            <input {...inputProps(ids)} name="company" autoComplete="organization" value={company} onChange={(e) => (setCompany(e.target.value), edited('company'))} autoFocus={!company} />
          )}
        </Field>
        <Field label="User" error={fields.user_id}>
          {(ids) => <input {...inputProps(ids)} name="user_id" autoComplete="username" value={userId} onChange={(e) => (setUserId(e.target.value), edited('user_id'))} autoFocus={!!company} />}
        </Field>
        <Field label="Password" error={fields.password}>
          {(ids) => (
            <input {...inputProps(ids)} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => (setPassword(e.target.value), edited('password'))} />
          )}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
