import type { DriverState } from '../driver-state';
import type { DriverEngine } from '../engine';
import { useNow } from './use-now';

/**
 * A detected crash: the alert goes out when the countdown ends unless the driver cancels it
 * ("I'm OK"); "Send now" asks for help at once.
 */
export function CrashPanel({ engine, state }: { engine: DriverEngine; state: DriverState }) {
  const now = useNow(250);
  const crash = state.crash;
  if (!crash) return null;
  if (crash.phase === 'countdown') {
    const left = Math.max(0, Math.ceil((crash.deadline - now) / 1000));
    return (
      <div className="drv-crash" role="alertdialog" aria-labelledby="crash-title" data-testid="crash-panel" data-phase="countdown">
        <h1 id="crash-title">Crash detected</h1>
        <p>
          Alerting the office in <strong className="drv-countdown">{left} s</strong>
        </p>
        <button className="drv-btn drv-btn-big drv-btn-ok" data-testid="crash-cancel" onClick={() => engine.cancelCrash()}>
          I'm OK — cancel
        </button>
        <button className="drv-btn drv-btn-danger" data-testid="crash-send" onClick={() => void engine.sendCrash()}>
          Send alert now
        </button>
      </div>
    );
  }
  return (
    <div className="drv-card drv-error" role="status" data-testid="crash-panel" data-phase={crash.phase}>
      <strong>{crash.phase === 'sent' ? 'Crash detected — alert sent' : 'Crash detected — alert waiting for a connection'}</strong>
      {crash.phase === 'sent' && (
        <button className="drv-btn drv-btn-small" onClick={() => engine.dismissCrash()}>
          Dismiss
        </button>
      )}
    </div>
  );
}
