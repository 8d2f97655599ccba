import type { DriverState } from '../driver-state';
import { plural } from './format';

const waiting = (n: number): string => `${plural(n, 'fix', 'fixes')} waiting`;

export function ConnectionState({ state }: { state: DriverState }) {
  const { conn, pending } = state;
  const label =
    conn === 'connected'
      ? pending > 0
        ? `Connected — sending ${waiting(pending)}`
        : 'Connected'
      : conn === 'connecting'
        ? pending > 0
          ? `Connecting — ${waiting(pending)}`
          : 'Connecting…'
        : `Offline — ${waiting(pending)}`;
  return (
    <div className={`drv-conn drv-conn-${conn}`} data-testid="conn-state" data-conn={conn} data-pending={pending}>
      <span className="drv-dot" aria-hidden="true" />
      {label}
    </div>
  );
}
