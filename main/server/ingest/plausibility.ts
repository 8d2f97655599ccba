import { distanceM } from '../../../shared/geo';
import type { PositionRow } from '../store/positions';
import type { PositionRecord } from './position';
import { FLAG_IMPLAUSIBLE } from '../store/position-flags';

/** Faster than any road vehicle: 100 m/s (360 km/h). Configurable (maxPlausibleSpeedMs). */
export const MAX_PLAUSIBLE_SPEED_MS = 100;
/** Jumps this short are never judged: position noise, not travel. */
const NOISE_ALLOWANCE_M = 50;

interface Fix {
  lat: number;
  lng: number;
  t: number;
  accuracy: number;
}

/**
 * Flags fixes that imply an impossible speed from the device's last accepted fix (a GPS jump).
 * Flagged fixes are stored but never move the live marker. A real relocation (GPS returning
 * after coarse network fixes) confirms itself: a second jumped fix consistent with the first
 * is accepted. Only fixes newer than the last accepted one are judged.
 *
 * Each device's last and suspect fixes are updated in place: a new object per fix, kept for the
 * second until the next one, would outlive V8's young generation at thousands of devices.
 */
export class Plausibility {
  private readonly state = new Map<number, { last: Fix; suspect: Fix; hasSuspect: boolean }>();
  /** the fix being judged (one at a time: judge is synchronous) */
  private readonly current: Fix = { lat: 0, lng: 0, t: 0, accuracy: 0 };

  constructor(private readonly maxSpeedMs = MAX_PLAUSIBLE_SPEED_MS) {}

  judge(userPk: number, p: PositionRecord, stored: () => PositionRow | undefined): number {
    let s = this.state.get(userPk);
    if (!s) {
      const row = stored();
      const last: Fix = row ? { lat: row.lat, lng: row.lng, t: row.device_time, accuracy: row.accuracy ?? 0 } : { lat: p.lat, lng: p.lng, t: p.deviceTime, accuracy: p.accuracy ?? 0 };
      s = { last, suspect: { lat: 0, lng: 0, t: 0, accuracy: 0 }, hasSuspect: false };
      this.state.set(userPk, s);
      if (!row) return 0;
    }
    const f = copy(this.current, p.lat, p.lng, p.deviceTime, p.accuracy ?? 0);
    if (f.t <= s.last.t) return 0;
    if (!this.tooFast(s.last, f) || (s.hasSuspect && f.t > s.suspect.t && !this.tooFast(s.suspect, f))) {
      copy(s.last, f.lat, f.lng, f.t, f.accuracy);
      s.hasSuspect = false;
      return 0;
    }
    copy(s.suspect, f.lat, f.lng, f.t, f.accuracy);
    s.hasSuspect = true;
    return FLAG_IMPLAUSIBLE;
  }

  forget(userPk: number): void {
    this.state.delete(userPk);
  }

  private tooFast(a: Fix, b: Fix): boolean {
    const d = distanceM(a, b);
    if (d <= NOISE_ALLOWANCE_M + a.accuracy + b.accuracy) return false;
    return d / Math.max((b.t - a.t) / 1000, 1) > this.maxSpeedMs;
  }
}

function copy(into: Fix, lat: number, lng: number, t: number, accuracy: number): Fix {
  into.lat = lat;
  into.lng = lng;
  into.t = t;
  into.accuracy = accuracy;
  return into;
}
