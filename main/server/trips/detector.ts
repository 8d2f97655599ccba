import { distanceM } from '../../../shared/geo';
import type { TripSettings } from '../../../shared/api/trips';

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

type State =
  | { kind: 'empty' }
  | {
      kind: 'parked';
      /** the parked position */
      anchor: DetectorFix;
      /** the trip would start here: where the current run of fixes moving steadily away from the parked position began */
      depart: DetectorFix;
      /** distance of the last parked fix from the anchor */
      lastDist: number;
      /** a first fix outside the stop radius, waiting for a second to confirm the departure */
      pending: DetectorFix | null;
      /** the fix before `pending` */
      beforePending: DetectorFix;
    }
  | {
      kind: 'moving';
      start: number;
      /** first fix of the current stop candidate and every fix since, all within the radius of it */
      window: DetectorFix[];
    };

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
 */
export class TripDetector {
  private state: State = { kind: 'empty' };
  private last: DetectorFix | null = null;

  constructor(private readonly settings: () => DetectorSettings) {}

  get moving(): boolean {
    return this.state.kind === 'moving';
  }

  /** Device time of the last processed fix (-Infinity before the first). */
  get lastTime(): number {
    return this.last?.t ?? -Infinity;
  }

  /** Start of the trip in progress, or null when parked. */
  get tripStart(): number | null {
    return this.state.kind === 'moving' ? this.state.start : null;
  }

  /** Processes one fix; returns the trip it ended, if any. */
  push(f: DetectorFix): TripBoundary | null {
    const last = this.last;
    if (last && f.t <= last.t) return null;
    this.last = f;
    const s = this.settings();
    const st = this.state;
    if (st.kind === 'empty' || !last) {
      this.park(f, f);
      return null;
    }
    const gapS = (f.t - last.t) / 1000;
    if (st.kind === 'moving') {
      const quietStop = gapS >= s.stop_duration_s && distanceM(last, f) / gapS < QUIET_STOP_SPEED_MS;
      if (quietStop || gapS > s.gap_split_s) {
        const ended: TripBoundary = { start: st.start, end: last.t, endReason: quietStop ? 'stop' : 'gap' };
        if (quietStop) {
          this.park(last, last);
          this.parkedFix(f, last, gapS, s);
        } else this.park(f, f);
        return ended;
      }
      const candidate = st.window[0] as DetectorFix;
      if (distanceM(candidate, f) > s.stop_radius_m) {
        st.window = [f];
        return null;
      }
      st.window.push(f);
      if ((f.t - candidate.t) / 1000 < s.stop_duration_s) return null;
      const rest = medianPosition(st.window);
      const settle = settleRadius(s);
      let k = Math.max(0, st.window.findIndex((w) => distanceM(w, rest) <= settle));
      while (k + 1 < st.window.length && distanceM(st.window[k + 1] as DetectorFix, rest) < distanceM(st.window[k] as DetectorFix, rest)) k++;
      const arrived = st.window[k] as DetectorFix;
      const ended: TripBoundary = { start: st.start, end: arrived.t, endReason: 'stop' };
      this.park({ t: arrived.t, lat: rest.lat, lng: rest.lng }, f);
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
    if (this.state.kind !== 'moving' || !this.last) return null;
    const ended: TripBoundary = { start: this.state.start, end: this.last.t, endReason: reason };
    this.park(this.last, this.last);
    return ended;
  }

  private park(anchor: DetectorFix, depart: DetectorFix): void {
    this.state = { kind: 'parked', anchor, depart, lastDist: distanceM(anchor, depart), pending: null, beforePending: depart };
  }

  private parkedFix(f: DetectorFix, prev: DetectorFix, gapS: number, s: DetectorSettings): void {
    const st = this.state;
    if (st.kind !== 'parked') return;
    const fromAnchor = distanceM(st.anchor, f);
    // A fix no farther out than the last one (or after a quiet stretch: an app that sleeps when
    // parked) begins a new run; a departure is the run that ends outside the radius.
    if (gapS >= s.stop_duration_s || fromAnchor <= st.lastDist) st.depart = f;
    st.lastDist = fromAnchor;
    if (fromAnchor <= s.stop_radius_m) {
      st.pending = null;
      return;
    }
    if (!st.pending) {
      st.pending = f;
      st.beforePending = prev;
      return;
    }
    // Confirmed. A run older than a stop (a slow creep to the edge of the radius) is no
    // departure: the trip then starts at the last fix before it left.
    const stale = (st.pending.t - st.depart.t) / 1000 > s.stop_duration_s;
    this.state = { kind: 'moving', start: stale ? st.beforePending.t : st.depart.t, window: [f] };
  }
}

/** Coordinate-wise median: the parked position, robust to a few GPS jumps. */
function medianPosition(fixes: DetectorFix[]): { lat: number; lng: number } {
  const mid = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const n = s.length;
    return n % 2 ? (s[(n - 1) >> 1] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
  };
  return { lat: mid(fixes.map((f) => f.lat)), lng: mid(fixes.map((f) => f.lng)) };
}
