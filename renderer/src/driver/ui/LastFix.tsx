import type { DriverState } from '../driver-state';
import { dropReasonLabel } from '../../lib/drop-reasons';
import { ago, clock } from './format';
import { useNow } from './use-now';

const GPS_LABEL = { granted: 'allowed', denied: 'blocked', prompt: 'not asked yet' } as const;

export function LastFix({ state }: { state: DriverState }) {
  const now = useNow();
  const f = state.lastFix;
  return (
    <div className="drv-card drv-fix" data-testid="last-fix">
      <div className="drv-fix-grid">
        <div>
          <span className="drv-label">Last position</span>
          <span className="drv-value">{f ? clock(f.time) : '—'}</span>
          <span className="drv-sub">{f ? ago(f.time, now) : state.duty ? 'waiting for GPS…' : 'off duty'}</span>
        </div>
        <div>
          <span className="drv-label">Accuracy</span>
          <span className="drv-value">{f ? `±${Math.round(f.accuracy)} m` : '—'}</span>
        </div>
        <div>
          <span className="drv-label">Speed</span>
          <span className="drv-value">{f ? `${Math.round(f.speedKmh)} km/h` : '—'}</span>
        </div>
      </div>
      <div className="drv-gps" data-testid="gps-state">
        Location access: <strong>{state.gps ? GPS_LABEL[state.gps] : 'unknown'}</strong>
        {state.gpsError && <span className="drv-field-error"> — {state.gpsError}</span>}
      </div>
      {state.dropped > 0 && state.lastDropped && (
        <div className="drv-sub drv-dropped" data-testid="dropped-fixes">
          {state.dropped === 1 ? 'One position' : `${state.dropped} positions`} could not be used and {state.dropped === 1 ? 'was' : 'were'} skipped; the last one{' '}
          {dropReasonLabel(state.lastDropped.reason)}, {ago(state.lastDropped.at, now)}.
        </div>
      )}
    </div>
  );
}
