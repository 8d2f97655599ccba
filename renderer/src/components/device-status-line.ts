/**
 * What the panel says about a device's state, without contradicting itself: an offline van is
 * described by what was last known and how old that is ("Offline · last seen 12 min ago · was
 * on duty then"), and a phone that still reports while no position arrives is said to be so.
 */
import { formatAge, formatSpeed } from '../lib/format';
import type { SpeedUnit } from '../prefs/units';
import { motionState, STALE_AFTER_MS, type LiveDevice, type MotionState } from '../store/fleet-store';

export interface StatusLine {
  state: MotionState;
  /** the pill: Moving, Stopped, Offline, or No recent position while the phone still reports */
  label: string;
  /** the rest of the line */
  detail: string;
  /** the phone's own report is older than STALE_AFTER_MS: its facts are what it said then */
  phoneStale: boolean;
}

export function statusLine(d: LiveDevice, now: number, units: SpeedUnit): StatusLine {
  const state = motionState(d, now);
  const p = d.position;
  const hb = d.phoneStatus ? Date.parse(d.phoneStatus.time) : NaN;
  const phoneStale = !Number.isFinite(hb) || now - hb > STALE_AFTER_MS;
  const duty = d.phoneStatus?.duty ?? null;
  if (state === 'moving' && p) return { state, label: 'Moving', detail: `${formatSpeed(p.speed, units)} · updated ${formatAge(p.time, now)}`, phoneStale };
  if (state === 'stopped' && p) return { state, label: 'Stopped', detail: `last fix ${formatAge(p.time, now)}`, phoneStale };
  // Offline: no fix for a while, or never.
  if (!phoneStale) {
    const seen = p ? `no position for ${formatAge(p.time, now).replace(/ ago$/, '')}` : 'no position yet';
    const dutyNow = duty === null ? '' : duty ? ', on duty' : ', off duty';
    return { state, label: 'No recent position', detail: `${seen} · the phone reported ${formatAge(hb, now)}${dutyNow}`, phoneStale };
  }
  if (!p) return { state, label: 'Offline', detail: 'never seen', phoneStale };
  const was = duty === null ? '' : duty ? ' · was on duty then' : ' · was off duty then';
  return { state, label: 'Offline', detail: `last seen ${formatAge(p.time, now)}${was}`, phoneStale };
}
