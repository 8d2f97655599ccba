/** The hover card of a device marker: name, state, speed and how long ago it was last seen. */
import { KMH_PER_MS } from '../../../shared/units';
import { motionState, type LiveDevice } from '../store/fleet-store';
import { STATUS_COLORS, STATUS_LABELS } from './map-style';

export type SpeedUnit = 'kmh' | 'mph';

const MS_TO: Record<SpeedUnit, { factor: number; label: string }> = {
  kmh: { factor: KMH_PER_MS, label: 'km/h' },
  mph: { factor: 2.2369362920544, label: 'mph' },
};

export function formatSpeed(metresPerSecond: number, unit: SpeedUnit): string {
  const u = MS_TO[unit];
  return `${Math.round(metresPerSecond * u.factor)} ${u.label}`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 days ago". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

/** Built from DOM nodes, never HTML strings: device names are user input. */
export function deviceTooltip(d: LiveDevice, now: number, unit: SpeedUnit): HTMLElement {
  const root = document.createElement('div');
  root.className = 'fleet-tooltip-body';
  const name = document.createElement('strong');
  name.textContent = d.name;
  root.append(name);
  const status = motionState(d, now);
  const line = document.createElement('div');
  const dot = document.createElement('span');
  dot.className = 'fleet-tooltip-dot';
  dot.style.background = STATUS_COLORS[status];
  line.append(dot, STATUS_LABELS[status]);
  if (status === 'moving' && d.position) line.append(` · ${formatSpeed(d.position.speed, unit)}`);
  root.append(line);
  const seen = document.createElement('div');
  seen.className = 'fleet-tooltip-age';
  seen.textContent = d.position ? `Last seen ${formatAge(now - d.position.time)}` : 'No position yet';
  root.append(seen);
  return root;
}
