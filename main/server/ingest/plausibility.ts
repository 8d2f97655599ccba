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

const fix = (p: PositionRecord): Fix => ({ lat: p.lat, lng: p.lng, t: p.deviceTime, accuracy: p.accuracy ?? 0 });


/**
 * Flags fixes that imply an impossible speed from the device's last accepted fix (a GPS jump).
 * Flagged fixes are stored but never move the live marker. A real relocation (GPS returning
 * after coarse network fixes) confirms itself: a second jumped fix consistent with the first
 * is accepted. Only fixes newer than the last accepted one are judged.
 */
export class Plausibility {
  private readonly state = new Map<number, { last: Fix; suspect: Fix | null }>();

  constructor(private readonly maxSpeedMs = MAX_PLAUSIBLE_SPEED_MS) {}

  judge(userPk: number, p: PositionRecord, stored: () => PositionRow | undefined): number {
    let s = this.state.get(userPk);
    if (!s) {
      const row = stored();
      if (!row) {
        this.state.set(userPk, { last: fix(p), suspect: null });
        return 0;
      }
      s = { last: { lat: row.lat, lng: row.lng, t: row.device_time, accuracy: row.accuracy ?? 0 }, suspect: null };
      this.state.set(userPk, s);
    }
    const f = fix(p);
    if (f.t <= s.last.t) return 0;
    if (!this.tooFast(s.last, f) || (s.suspect && f.t > s.suspect.t && !this.tooFast(s.suspect, f))) {
      s.last = f;
      s.suspect = null;
      return 0;
    }
    s.suspect = f;
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
