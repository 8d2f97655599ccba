import { useSyncExternalStore } from 'react';
import type { DriverEngine } from '../engine';
import { DutyScreen } from './DutyScreen';
import { RevokedScreen } from './RevokedScreen';
import { SecureNotice } from './SecureNotice';
import { SignInScreen } from './SignInScreen';

export function App({ engine }: { engine: DriverEngine }) {
  const state = useSyncExternalStore(engine.subscribe, engine.getState);
  return (
    <div className="drv">
      <header className="drv-top">
        <span className="drv-logo" aria-hidden="true" />
        <span className="drv-title">FleetDesk Driver</span>
      </header>
      <main className="drv-main">
        <SecureNotice code={state.insecureCode} />
        {state.phase === 'loading' && <p className="drv-muted">Starting…</p>}
        {state.phase === 'signed-out' && <SignInScreen engine={engine} state={state} />}
        {state.phase === 'revoked' && <RevokedScreen engine={engine} state={state} />}
        {state.phase === 'signed-in' && <DutyScreen engine={engine} state={state} />}
      </main>
    </div>
  );
}
