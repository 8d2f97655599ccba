/** One row of the device list; memoised, so only rows whose device, clock or selection changed re-render. */
import { memo } from 'react';
import { formatAge, formatSpeed } from '../lib/format';
import type { SpeedUnit } from '../prefs/units';
import type { MotionState, LiveDevice } from '../store/fleet-store';
import { clockNote } from '../lib/phone-clock';
import { appLabel, Battery } from './phones/phone-status';

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
  const secondary = [device.id !== device.name ? device.id : null, device.vehicle_plate].filter(Boolean).join(' · ');
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
        <span className="device-sub">
          {secondary || (phone ? null : '\u00a0')}
          {phone && (
            <span className="device-app" data-testid="device-app">
              {secondary ? ' · ' : ''}
              {appLabel(phone)}
            </span>
          )}
        </span>
      </div>
      <div className="device-row-side">
        <span className="device-speed">{p && status !== 'offline' ? formatSpeed(p.speed, units) : STATUS_LABEL[status]}</span>
        <span className="device-age" title={p ? new Date(p.time).toLocaleString() : undefined}>
          {phone && phone.battery !== null && <Battery percent={phone.battery} charging={phone.charging} />}
          {p ? formatAge(p.time, now) : 'never seen'}
        </span>
      </div>
    </div>
  );
});
