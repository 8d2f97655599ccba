import { useState, type FormEvent } from 'react';
import type { DriverState } from '../driver-state';
import type { DriverEngine } from '../engine';
import { codeFromText } from '../enrol-code';

/** Not enrolled yet: how to get a link, and a field to paste one. */
export function SignInScreen({ engine, state }: { engine: DriverEngine; state: DriverState }) {
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const code = codeFromText(text);
    setInvalid(!code);
    if (code) void engine.enrolWith(code);
  };
  return (
    <section className="drv-stack" data-testid="sign-in">
      {state.enrolError && (
        <div className="drv-card drv-error" role="alert" data-testid="enrol-error">
          {state.enrolError}
        </div>
      )}
      <div className="drv-card">
        <h1>Connect this phone</h1>
        <p>
          Ask the office for an <strong>enrolment link</strong> (in FleetDesk: your name → <em>Connect a phone</em>). Open the link on this phone, or
          scan its QR code. Each link works once.
        </p>
      </div>
      <form className="drv-card drv-stack" onSubmit={submit}>
        <label htmlFor="enrol-link">Or paste the link or code here</label>
        <input
          id="enrol-link"
          name="enrol-link"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          placeholder="https://…/driver#enrol=…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        {invalid && <p className="drv-field-error">That does not look like an enrolment link or code.</p>}
        <button type="submit" className="drv-btn drv-btn-primary" disabled={state.enrolling || !text.trim()}>
          {state.enrolling ? 'Connecting…' : 'Connect'}
        </button>
      </form>
    </section>
  );
}
