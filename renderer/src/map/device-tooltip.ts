/** The hover card of a device marker: name, state, speed and how long ago it was last seen (formatted like the device list). */
import { formatAge, formatSpeed } from '../lib/format';
import type { SpeedUnit } from '../prefs/units';
import { motionState, type LiveDevice } from '../store/fleet-store';
import { STATUS_COLORS, STATUS_LABELS } from './map-style';

export type { SpeedUnit };

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
  seen.textContent = d.position ? `Last seen ${formatAge(d.position.time, now)}` : 'No position yet';
  root.append(seen);
  return root;
}
