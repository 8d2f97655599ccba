import type { DriverState } from '../driver-state';
import type { DriverEngine } from '../engine';
import { ConnectionState } from './ConnectionState';
import { CrashPanel } from './CrashPanel';
import { LastFix } from './LastFix';
import { SosButton } from './SosButton';

export function DutyScreen({ engine, state }: { engine: DriverEngine; state: DriverState }) {
  const d = state.device;
  return (
    <section className="drv-stack" data-testid="duty-screen">
      <div className="drv-who">
        <div>
          <div className="drv-name" data-testid="driver-name">
            {d?.name}
          </div>
          <div className="drv-company">{d?.company_name}</div>
        </div>
        <ConnectionState state={state} />
      </div>
      {state.enrolError && (
        <div className="drv-card drv-error" role="alert" data-testid="enrol-error">
          {state.enrolError}
        </div>
      )}
      <CrashPanel engine={engine} state={state} />
      <button
        className={`drv-duty ${state.duty ? 'drv-duty-on' : 'drv-duty-off'}`}
        data-testid="duty-button"
        data-duty={state.duty ? 'on' : 'off'}
        onClick={() => (state.duty ? engine.stopDuty() : engine.startDuty())}
      >
        <span className="drv-duty-main">{state.duty ? 'Stop duty' : 'Start duty'}</span>
        <span className="drv-duty-sub">{state.duty ? 'On duty — the office sees your position' : 'Off duty — your position is not shared'}</span>
      </button>
      <LastFix state={state} />
      <SosButton engine={engine} state={state} />
    </section>
  );
}
