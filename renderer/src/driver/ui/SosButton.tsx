import { useEffect, useRef, useState } from 'react';
import type { DriverState } from '../driver-state';
import type { DriverEngine } from '../engine';
import { clock } from './format';
import { OfficeReply } from './OfficeReply';

/** Held this long before an SOS goes out, so a press in a pocket does nothing. */
export const SOS_HOLD_MS = 2000;

export function SosButton({ engine, state }: { engine: DriverEngine; state: DriverState }) {
  const [holding, setHolding] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const start = () => {
    if (timer.current) return;
    setHolding(true);
    timer.current = setTimeout(() => {
      timer.current = null;
      setHolding(false);
      navigator.vibrate?.(200);
      void engine.sos();
    }, SOS_HOLD_MS);
  };
  const stop = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    setHolding(false);
  };
  useEffect(() => stop, []);
  return (
    <div className="drv-sos-wrap">
      <button
        type="button"
        className={`drv-sos${holding ? ' drv-sos-holding' : ''}`}
        data-testid="sos-button"
        onPointerDown={start}
        onPointerUp={stop}
        onPointerLeave={stop}
        onPointerCancel={stop}
        onKeyDown={(e) => (e.key === ' ' || e.key === 'Enter') && !e.repeat && start()}
        onKeyUp={stop}
        onContextMenu={(e) => e.preventDefault()}
      >
        <span className="drv-sos-fill" aria-hidden="true" />
        <span className="drv-sos-text">{holding ? 'Keep holding…' : 'SOS — hold 2 s'}</span>
      </button>
      <div className="drv-sos-state" data-testid="sos-state" data-sos={state.sos} role="status">
        {state.sos === 'sending' && 'SOS waiting to be delivered — it is sent as soon as there is a connection.'}
        {state.sos === 'sent' && `SOS sent — the office has been alerted${state.sosSentAt ? ` (${clock(state.sosSentAt)})` : ''}.`}
        {state.alertError}
      </div>
      {state.office && <OfficeReply status={state.office} />}
    </div>
  );
}
