import { distanceM } from '../../../shared/geo';
import type { TripSettings } from '../../../shared/api/trips';
import { FixWindow } from './fix-window';

/** What the detector needs of a fix: where and when (device time, epoch ms). */
export interface DetectorFix {
  t: number;
  lat: number;
  lng: number;
}

export type EndReason = 'stop' | 'gap' | 'sweep';

/** A finished trip: the device times of its first and last fix. */
export interface TripBoundary {
  start: number;
  end: number;
  endReason: EndReason;
}

export type DetectorSettings = Pick<TripSettings, 'stop_radius_m' | 'stop_duration_s' | 'gap_split_s'>;

/** Over a silence of at least stop_duration_s, slower than this (m/s) is a stop: apps that go quiet when parked. */
export const QUIET_STOP_SPEED_MS = 1;

/**
 * An arrival is looked for among the fixes this close to the parked position (half the stop
 * radius, at most 50 m: wider than phone GPS noise), then followed while it still closes in.
 */
export const settleRadius = (s: DetectorSettings): number => Math.min(50, s.stop_radius_m / 2);

/** A fix the detector owns: its values are copied in, so no caller's object outlives the call. */
class Fix implements DetectorFix {
  t = 0;
  lat = 0;
  lng = 0;

  copy(f: DetectorFix): this {
    this.t = f.t;
    this.lat = f.lat;
    this.lng = f.lng;
    return this;
  }
}

type Kind = 'empty' | 'parked' | 'moving';

/**
 * Streaming trip detection for one device, on device time only (a replayed trace gives the same
 * trips as live; the sweep is the one wall-clock rule and lives in the service).
 *
 * - parked → moving: a fix farther than stop_radius_m from the parked position, confirmed by
 *   the next fix also outside (one stray fix is drift, not a departure). The trip starts where
 *   the fixes began to move steadily away from the parked position, so the drive keeps its
 *   first metres.
 * - moving → parked ('stop'): the fixes stay within stop_radius_m of a candidate fix for
 *   stop_duration_s. The trip ends where the vehicle came to rest: from the first fix of the
 *   candidate window within settleRadius of the window's median position, on while the fixes
 *   still close in on it.
 * - a silence of ≥ stop_duration_s crossed below QUIET_STOP_SPEED_MS is a stop too ('stop'),
 *   ending at the last fix before it; any other silence longer than gap_split_s ends the trip
 *   at the last fix before it ('gap').
 * - fixes not newer than the last processed one are ignored.
 *
 * Memory: one detector per device lives as long as the server, and fixes arrive every second.
 * The detector copies what it keeps into fixes it owns and reuses (the last two fixes, the
 * parked state's four) and into its stop window's Float64Array (fix-window.ts), so a fix never
 * outlives its call: nothing per fix survives the young generation to be collected by a full GC
 * later.
 */
export class TripDetector {
  private kind: Kind = 'empty';
  private hasLast = false;
  /** the last processed fix, and the one before it */
  private readonly last = new Fix();
  private readonly prev = new Fix();

  // parked
  /** the parked position */
  private readonly anchor = new Fix();
  /** the trip would start here: where the current run of fixes moving steadily away from the parked position began */
  private readonly depart = new Fix();
  /** distance of the last parked fix from the anchor */
  private lastDist = 0;
  /** a first fix outside the stop radius, waiting for a second to confirm the departure */
  private hasPending = false;
  private readonly pending = new Fix();
  /** the fix before `pending` */
  private readonly beforePending = new Fix();

  // moving
  private start = 0;
  /** first fix of the current stop candidate and every fix since, all within the radius of it */
  private readonly window = new FixWindow();

  constructor(private readonly settings: () => DetectorSettings) {}

  get moving(): boolean {
    return this.kind === 'moving';
  }

  /** Device time of the last processed fix (-Infinity before the first). */
  get lastTime(): number {
    return this.hasLast ? this.last.t : -Infinity;
  }

  /** Start of the trip in progress, or null when parked. */
  get tripStart(): number | null {
    return this.kind === 'moving' ? this.start : null;
  }

  /** Processes one fix; returns the trip it ended, if any. */
  push(fix: DetectorFix): TripBoundary | null {
    if (this.hasLast && fix.t <= this.last.t) return null;
    const hadLast = this.hasLast;
    const last = this.prev.copy(this.last);
    const f = this.last.copy(fix);
    this.hasLast = true;
    const s = this.settings();
    if (this.kind === 'empty' || !hadLast) {
      this.park(f, f);
      return null;
    }
    const gapS = (f.t - last.t) / 1000;
    if (this.kind === 'moving') {
      const quietStop = gapS >= s.stop_duration_s && distanceM(last, f) / gapS < QUIET_STOP_SPEED_MS;
      if (quietStop || gapS > s.gap_split_s) {
        const ended: TripBoundary = { start: this.start, end: last.t, endReason: quietStop ? 'stop' : 'gap' };
        if (quietStop) {
          this.park(last, last);
          this.parkedFix(f, last, gapS, s);
        } else this.park(f, f);
        return ended;
      }
      const w = this.window;
      if (w.distanceTo(0, f) > s.stop_radius_m) {
        w.clear();
        w.push(f);
        return null;
      }
      w.push(f);
      if ((f.t - w.t(0)) / 1000 < s.stop_duration_s) return null;
      const n = w.length;
      const rest = w.median();
      const settle = settleRadius(s);
      let k = 0;
      while (k < n && w.distanceTo(k, rest) > settle) k++;
      if (k === n) k = 0;
      while (k + 1 < n && w.distanceTo(k + 1, rest) < w.distanceTo(k, rest)) k++;
      const arrived = w.t(k);
      const ended: TripBoundary = { start: this.start, end: arrived, endReason: 'stop' };
      this.park({ t: arrived, lat: rest.lat, lng: rest.lng }, f);
      return ended;
    }
    if (gapS > s.gap_split_s) {
      this.park(f, f); // a long silence while parked: start afresh where the device is now
      return null;
    }
    this.parkedFix(f, last, gapS, s);
    return null;
  }

  /** Ends the trip in progress at the last fix (the service's sweep of silent devices). */
  end(reason: EndReason): TripBoundary | null {
    if (this.kind !== 'moving' || !this.hasLast) return null;
    const ended: TripBoundary = { start: this.start, end: this.last.t, endReason: reason };
    this.park(this.last, this.last);
    return ended;
  }

  private park(anchor: DetectorFix, depart: DetectorFix): void {
    this.kind = 'parked';
    this.anchor.copy(anchor);
    this.depart.copy(depart);
    this.beforePending.copy(depart);
    this.lastDist = distanceM(anchor, depart);
    this.hasPending = false;
    this.window.release();
  }

  private parkedFix(f: DetectorFix, prev: DetectorFix, gapS: number, s: DetectorSettings): void {
    if (this.kind !== 'parked') return;
    const fromAnchor = distanceM(this.anchor, f);
    // A fix no farther out than the last one (or after a quiet stretch: an app that sleeps when
    // parked) begins a new run; a departure is the run that ends outside the radius.
    if (gapS >= s.stop_duration_s || fromAnchor <= this.lastDist) this.depart.copy(f);
    this.lastDist = fromAnchor;
    if (fromAnchor <= s.stop_radius_m) {
      this.hasPending = false;
      return;
    }
    if (!this.hasPending) {
      this.hasPending = true;
      this.pending.copy(f);
      this.beforePending.copy(prev);
      return;
    }
    // Confirmed. A run older than a stop (a slow creep to the edge of the radius) is no
    // departure: the trip then starts at the last fix before it left.
    const stale = (this.pending.t - this.depart.t) / 1000 > s.stop_duration_s;
    this.kind = 'moving';
    this.start = stale ? this.beforePending.t : this.depart.t;
    this.window.clear();
    this.window.push(f);
  }
}
