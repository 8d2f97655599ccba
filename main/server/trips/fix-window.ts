import { distanceBetweenM } from '../../../shared/geo';
import type { DetectorFix } from './detector';

/** A parked device's window holds nothing: every empty window shares this one. */
const NONE = new Float64Array(0);
/**
 * Room a moving device's window starts with: a minute of fixes at 1 Hz, what crossing a 200 m
 * stop radius takes above 12 km/h, so a driving device allocates its window once per trip
 * instead of growing it through the first minutes (1.5 KB; a traffic jam doubles it).
 */
const FIRST_CAPACITY = 64;

/**
 * A trip detector's stop window: the fixes since the current stop candidate (device time, lat,
 * lng) side by side in one Float64Array that doubles as the window grows and is given back when
 * the device parks.
 *
 * A window lasts up to stop_duration_s of fixes (180 at 1 Hz). Kept as objects (a fix and its
 * three numbers boxed, about 100 bytes a slot), every device held on to its longest window for
 * good — about 19 KB once it had stopped for three minutes — and each new slot was promoted to
 * the old generation. Here a slot is 24 bytes and lives only while the device moves.
 */
export class FixWindow {
  private buf = NONE;
  /** fixes in the window: [0 … length) */
  length = 0;

  /**
   * Empties the window as the device moves on. It keeps its first room (a moving device refills
   * it within seconds) but gives back what a slow stretch grew it to: kept, every device that
   * once crawled for three minutes would hold 6 KB for the rest of its trip, a fleet's worth
   * growing slowly as more of them did (seen in the soak as external memory rising ~0.08 MB a minute).
   */
  clear(): void {
    this.length = 0;
    if (this.buf.length > FIRST_CAPACITY * 3) this.buf = NONE;
  }

  /** the room the window holds now, in fixes */
  get capacity(): number {
    return this.buf.length / 3;
  }

  /** Empties the window and gives its room back (the device parked). */
  release(): void {
    this.length = 0;
    this.buf = NONE;
  }

  push(f: DetectorFix): void {
    const i = this.length * 3;
    if (i + 3 > this.buf.length) {
      const grown = new Float64Array(Math.max(FIRST_CAPACITY * 3, this.buf.length * 2));
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[i] = f.t;
    this.buf[i + 1] = f.lat;
    this.buf[i + 2] = f.lng;
    this.length++;
  }

  /** Device time of fix k. */
  t(k: number): number {
    return this.buf[k * 3] as number;
  }

  /** Distance in metres from fix k to `p`. */
  distanceTo(k: number, p: { lat: number; lng: number }): number {
    return distanceBetweenM(this.buf[k * 3 + 1] as number, this.buf[k * 3 + 2] as number, p.lat, p.lng);
  }

  /** Coordinate-wise median of the window: the parked position, robust to a few GPS jumps. */
  median(): { lat: number; lng: number } {
    const n = this.length;
    const lats = new Float64Array(n);
    const lngs = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      lats[k] = this.buf[k * 3 + 1] as number;
      lngs[k] = this.buf[k * 3 + 2] as number;
    }
    return { lat: middle(lats.sort()), lng: middle(lngs.sort()) };
  }
}

function middle(sorted: Float64Array): number {
  const m = sorted.length;
  return m % 2 ? (sorted[(m - 1) >> 1] as number) : ((sorted[m / 2 - 1] as number) + (sorted[m / 2] as number)) / 2;
}
