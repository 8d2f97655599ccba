import { distanceBetweenM } from '../../../shared/geo';
import type { PositionRow } from '../store/positions';
import type { PositionRecord } from './position';
import { FLAG_IMPLAUSIBLE } from '../store/position-flags';

/** Faster than any road vehicle: 100 m/s (360 km/h). Configurable (maxPlausibleSpeedMs). */
export const MAX_PLAUSIBLE_SPEED_MS = 100;
/** Jumps this short are never judged: position noise, not travel. */
const NOISE_ALLOWANCE_M = 50;

/** A device's state: its last accepted fix and a suspect one, [lat, lng, t, accuracy] each, and whether the suspect is set. */
const LAST = 0;
const SUSPECT = 4;
const HAS_SUSPECT = 8;
const STATE_SIZE = 9;

/**
 * Flags fixes that imply an impossible speed from the device's last accepted fix (a GPS jump).
 * Flagged fixes are stored but never move the live marker. A real relocation (GPS returning
 * after coarse network fixes) confirms itself: a second jumped fix consistent with the first
 * is accepted. Only fixes newer than the last accepted one are judged.
 *
 * Each device's state is one small Float64Array updated in place: a new object per fix (or a
 * number boxed on the heap), kept for the second until the next one, would outlive V8's young
 * generation at thousands of devices.
 */
export class Plausibility {
  private readonly state = new Map<number, Float64Array>();

  constructor(private readonly maxSpeedMs = MAX_PLAUSIBLE_SPEED_MS) {}

  judge(userPk: number, p: PositionRecord, stored: () => PositionRow | undefined): number {
    let s = this.state.get(userPk);
    if (!s) {
      const row = stored();
      s = new Float64Array(STATE_SIZE);
      if (row) set(s, LAST, row.lat, row.lng, row.device_time, row.accuracy ?? 0);
      else set(s, LAST, p.lat, p.lng, p.deviceTime, p.accuracy ?? 0);
      this.state.set(userPk, s);
      if (!row) return 0;
    }
    const accuracy = p.accuracy ?? 0;
    const t = p.deviceTime;
    if (t <= (s[LAST + 2] as number)) return 0;
    if (!this.tooFast(s, LAST, p.lat, p.lng, t, accuracy) || (s[HAS_SUSPECT] === 1 && t > (s[SUSPECT + 2] as number) && !this.tooFast(s, SUSPECT, p.lat, p.lng, t, accuracy))) {
      set(s, LAST, p.lat, p.lng, t, accuracy);
      s[HAS_SUSPECT] = 0;
      return 0;
    }
    set(s, SUSPECT, p.lat, p.lng, t, accuracy);
    s[HAS_SUSPECT] = 1;
    return FLAG_IMPLAUSIBLE;
  }

  forget(userPk: number): void {
    this.state.delete(userPk);
  }

  /** From the fix at s[at …] to (lat, lng, t, accuracy): faster than a vehicle beyond the noise? */
  private tooFast(s: Float64Array, at: number, lat: number, lng: number, t: number, accuracy: number): boolean {
    const d = distanceBetweenM(s[at] as number, s[at + 1] as number, lat, lng);
    if (d <= NOISE_ALLOWANCE_M + (s[at + 3] as number) + accuracy) return false;
    return d / Math.max((t - (s[at + 2] as number)) / 1000, 1) > this.maxSpeedMs;
  }
}

function set(s: Float64Array, at: number, lat: number, lng: number, t: number, accuracy: number): void {
  s[at] = lat;
  s[at + 1] = lng;
  s[at + 2] = t;
  s[at + 3] = accuracy;
}
