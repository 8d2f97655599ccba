import type { DriverState } from '../driver-state';
import type { DriverEngine } from '../engine';
import { plural } from './format';

/** The device key was refused: the office rotated it or removed the driver. */
export function RevokedScreen({ engine, state }: { engine: DriverEngine; state: DriverState }) {
  return (
    <section className="drv-stack">
      <div className="drv-card drv-error" role="alert" data-testid="revoked">
        <h1>Disconnected</h1>
        <p>This phone was disconnected by the office — ask for a new link.</p>
        {state.pending > 0 && <p>{plural(state.pending, 'position')} recorded here could not be sent and will be deleted.</p>}
      </div>
      <button className="drv-btn" data-testid="clear-phone" onClick={() => void engine.clearPhone()}>
        Clear this phone
      </button>
    </section>
  );
}
