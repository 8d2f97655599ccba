/** A phone's battery as a small icon: the level as a fill, red when low, a bolt while charging; the number in its tooltip. */
import { LOW_BATTERY } from './phones/phone-status';

export function BatteryIcon({ percent, charging }: { percent: number; charging: boolean | null }) {
  const level = Math.max(0, Math.min(100, Math.round(percent)));
  const low = level <= LOW_BATTERY;
  const label = `Battery ${level} %${charging ? ', charging' : ''}`;
  return (
    <span className={`battery-icon${low ? ' low' : ''}${charging ? ' charging' : ''}`} title={label} role="img" aria-label={label} data-testid="battery" data-level={level}>
      <svg width="22" height="12" viewBox="0 0 22 12" aria-hidden="true">
        <rect className="battery-shell" x="0.5" y="0.5" width="18" height="11" rx="2" />
        <rect className="battery-tip" x="19" y="3.5" width="2.5" height="5" rx="1" />
        <rect className="battery-level" x="2" y="2" width={(15 * level) / 100} height="8" rx="1" />
        {charging && <path className="battery-bolt" d="M10.5 1.5 6.5 6.8h3L8.5 10.5l4-5.3h-3z" />}
      </svg>
    </span>
  );
}
