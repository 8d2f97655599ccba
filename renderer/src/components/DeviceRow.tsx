/**
 * One row of the device list; memoised, so only rows whose device, clock or selection changed
 * re-render. Name, then driver and plate; speed only while moving (whole km/h, as everywhere);
 * battery as an icon; the last-seen age as the map's hover card says it. The phone's app is
 * named in the panel, not on every row.
 */
import { memo } from 'react';
import { formatAge, formatSpeed } from '../lib/format';
import type { SpeedUnit } from '../prefs/units';
import type { MotionState, LiveDevice } from '../store/fleet-store';
import { clockNote } from '../lib/phone-clock';
import { BatteryIcon } from './BatteryIcon';

export const ROW_HEIGHT = 56;

const STATUS_LABEL: Record<MotionState, string> = { moving: 'Moving', stopped: 'Stopped', offline: 'Offline' };

interface Props {
  device: LiveDevice;
  status: MotionState;
  now: number;
  units: SpeedUnit;
  selected: boolean;
  top: number;
  onSelect: (id: string) => void;
}

export const DeviceRow = memo(function DeviceRow({ device, status, now, units, selected, top, onSelect }: Props) {
  const p = device.position;
  const phone = device.phoneStatus;
  const secondary = subLine(device);
  const clock = clockNote(p);
  return (
    <div
      className={`device-row${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      role="option"
      id={`device-row-${device.id}`}
      aria-selected={selected}
      tabIndex={-1}
      data-testid="device-row"
      data-device-id={device.id}
      data-status={status}
      onClick={() => onSelect(device.id)}
    >
      <span className={`status-dot status-${status}`} title={STATUS_LABEL[status]} aria-label={STATUS_LABEL[status]} />
      <div className="device-row-main">
        <span className="device-name" data-testid="device-name">
          {device.name}
          {clock && (
            <span className="clock-badge" data-testid="clock-badge" title={`${clock.short}. ${clock.detail}`}>
              clock
            </span>
          )}
        </span>
        <span className="device-sub" data-testid="device-sub">
          {secondary || '\u00a0'}
        </span>
      </div>
      <div className="device-row-side">
        <span className="device-speed" data-testid="device-speed">
          {status === 'moving' && p ? formatSpeed(p.speed, units) : STATUS_LABEL[status]}
        </span>
        <span className="device-age">
          {phone && phone.battery !== null && <BatteryIcon percent={phone.battery} charging={phone.charging} />}
          <span title={p ? `Last seen ${new Date(p.time).toLocaleString()}` : undefined} data-testid="device-age">
            {p ? formatAge(p.time, now) : 'never seen'}
          </span>
        </span>
      </div>
    </div>
  );
});

/** Who drives it and which vehicle, leaving out what the name already says; the id when nothing else is known. */
function subLine(d: LiveDevice): string {
  const driver = [d.first_name, d.last_name].filter(Boolean).join(' ');
  const parts = [driver, d.vehicle_plate].filter((x): x is string => !!x && x !== d.name);
  if (parts.length > 0) return parts.join(' · ');
  return d.id !== d.name ? d.id : '';
}
