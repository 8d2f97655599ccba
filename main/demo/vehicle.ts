/**
 * One simulated vehicle: a small state machine over the route model. It drives stretches of
 * the recorded drive (forward or backward) at the recorded speeds, makes delivery stops,
 * turns round at the ends of the route, and its phone may go silent for a while. Pure: time
 * only moves through step(dt), randomness only comes from the seeded generator, so tests can
 * run hours of simulation in milliseconds.
 */
import { offsetM, type LatLng } from '../../shared/geo';
import type { Rng } from './rng';
import type { Route } from './route';
import { kmhToMs, msToKmh } from '../../shared/units';

/** delivery: drives and stops all day; parked: never moves; flaky: a delivery van whose phone goes silent */
export type VehicleKind = 'delivery' | 'parked' | 'flaky';

export interface VehicleOptions {
  kind: VehicleKind;
  /** seconds into the recording where the vehicle starts */
  startTau: number;
  direction: 1 | -1;
  /** start in a delivery stop (so the fleet does not all set off at once) */
  startStopped?: boolean;
}

/** What the phone reports: speed in km/h as on the Tracking API. */
export interface Fix extends LatLng {
  speedKmh: number;
  bearing: number;
  /** metres */
  accuracy: number;
  /** how long ago the fix was taken: 0 for live fixes; a silent phone's last fix is older */
  ageSeconds: number;
}

export type VehicleState =
  | { mode: 'driving'; legLeft: number }
  | { mode: 'stopped'; reason: 'delivery' | 'turnaround'; anchor: LatLng; left: number }
  | { mode: 'parked'; anchor: LatLng };

export const DELIVERY_STOP_S: readonly [number, number] = [30, 180];
/** Recorded driving between two delivery stops, seconds. */
const LEG_S: readonly [number, number] = [90, 420];
/** A delivery stop only begins when the recorded car is this slow, so nobody brakes from 80 to 0 in a second. */
export const STOP_BELOW_KMH = 12;
export const TURNAROUND_S: readonly [number, number] = [20, 60];
/** A silent phone stays silent longer than the console's 10-minute stale threshold. */
export const SILENCE_S: readonly [number, number] = [11 * 60, 20 * 60];
const SILENCE_AFTER_STOP_P = 0.3;
/** A flaky van starts out silent: its last fix is this old and it stays silent a little longer. */
const INITIAL_AGE_S: readonly [number, number] = [12 * 60, 16 * 60];
const INITIAL_SILENCE_S: readonly [number, number] = [3 * 60, 6 * 60];
/** Standing phones jitter around the true spot without wandering off. */
const STOP_JITTER_SD_M = 0.8;
const STOP_JITTER_MAX_M = 3;
/**
 * Standing phones report less often, as tracking apps do when nothing moves. It also leaves
 * the one-a-second WebSocket pace room to catch up on positions a hiccup held back.
 */
export const STOPPED_REPORT_S = 3;
export const PARKED_REPORT_S = 10;

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

export class Vehicle {
  tau: number;
  direction: 1 | -1;
  state: VehicleState;
  /** seconds the phone stays silent (no fixes at all) */
  silentLeft = 0;
  private sinceFix = Infinity;
  private lastBearing: number;
  private backdated: Fix | null = null;
  /** where the vehicle turns round: the route's ends, trimmed to where the recorded car is slow */
  private readonly minTau: number;
  private readonly maxTau: number;

  constructor(
    private readonly route: Route,
    private readonly rng: Rng,
    readonly kind: VehicleKind,
    options: Omit<VehicleOptions, 'kind'>,
  ) {
    [this.minTau, this.maxTau] = route.slowSpan(kmhToMs(STOP_BELOW_KMH));
    this.tau = Math.min(this.maxTau, Math.max(this.minTau, options.startTau));
    this.direction = options.direction;
    this.lastBearing = route.bearingAt(route.at(this.tau).d, this.direction);
    const here = (): LatLng => this.route.at(this.tau);
    if (kind === 'parked') this.state = { mode: 'parked', anchor: here() };
    else if (kind === 'flaky') {
      // Lost its signal a while ago during a stop; the console shows it offline from the start.
      this.silentLeft = rng.range(...INITIAL_SILENCE_S);
      this.state = { mode: 'stopped', reason: 'delivery', anchor: here(), left: this.silentLeft + rng.range(20, 90) };
      this.backdated = { ...this.standingFix(this.state.anchor), ageSeconds: Math.round(rng.range(...INITIAL_AGE_S)) };
    } else if (options.startStopped) this.state = { mode: 'stopped', reason: 'delivery', anchor: here(), left: rng.range(...DELIVERY_STOP_S) };
    else this.state = { mode: 'driving', legLeft: rng.range(...LEG_S) };
  }

  get silent(): boolean {
    return this.silentLeft > 0;
  }

  /** Seconds between two fixes while the phone reports. */
  get reportInterval(): number {
    return this.state.mode === 'parked' ? PARKED_REPORT_S : this.state.mode === 'stopped' ? STOPPED_REPORT_S : 1;
  }

  /**
   * Advances the simulation by dt seconds; returns the fix the phone reports now, if any.
   * A flaky van's first call returns its old last fix (ageSeconds > 0) and does not move time.
   */
  step(dt: number): Fix | null {
    if (!(dt >= 0)) throw new Error(`step(dt): dt must be ≥ 0, got ${dt}`);
    if (this.backdated) {
      const fix = this.backdated;
      this.backdated = null;
      return fix;
    }
    this.advance(dt);
    if (this.silentLeft > 0) {
      this.silentLeft = Math.max(0, this.silentLeft - dt);
      return null;
    }
    this.sinceFix += dt;
    // A little slack: timers fire a few ms early or late around each second.
    if (this.sinceFix < this.reportInterval - 0.05) return null;
    this.sinceFix = 0;
    return this.currentFix();
  }

  private advance(dt: number): void {
    const s = this.state;
    if (s.mode === 'parked') return;
    if (s.mode === 'stopped') {
      s.left -= dt;
      if (s.left > 0) return;
      if (this.atRouteEnd()) this.direction = this.direction === 1 ? -1 : 1;
      else if (this.rng.chance(0.2)) this.direction = this.direction === 1 ? -1 : 1; // back the way it came
      if (this.kind === 'flaky' && this.silentLeft === 0 && this.rng.chance(SILENCE_AFTER_STOP_P)) {
        this.silentLeft = this.rng.range(...SILENCE_S); // the driver closed the app; the van drives on
      }
      this.state = { mode: 'driving', legLeft: this.rng.range(...LEG_S) };
      return;
    }
    this.tau = Math.min(this.maxTau, Math.max(this.minTau, this.tau + this.direction * dt));
    s.legLeft -= dt;
    if (this.atRouteEnd()) {
      this.state = { mode: 'stopped', reason: 'turnaround', anchor: this.route.at(this.tau), left: this.rng.range(...TURNAROUND_S) };
    } else if (s.legLeft <= 0 && msToKmh(this.speedMs()) <= STOP_BELOW_KMH) {
      this.state = { mode: 'stopped', reason: 'delivery', anchor: this.route.at(this.tau), left: this.rng.range(...DELIVERY_STOP_S) };
    }
  }

  private atRouteEnd(): boolean {
    return (this.direction === 1 && this.tau >= this.maxTau) || (this.direction === -1 && this.tau <= this.minTau);
  }

  private speedMs(): number {
    return this.route.speedAt(this.tau);
  }

  private currentFix(): Fix {
    if (this.state.mode !== 'driving') return this.standingFix(this.state.anchor);
    const p = this.route.at(this.tau);
    this.lastBearing = this.route.bearingAt(p.d, this.direction);
    return {
      lat: round(p.lat, 7),
      lng: round(p.lng, 7),
      speedKmh: round(msToKmh(this.speedMs()), 1),
      bearing: round(this.lastBearing, 1) % 360,
      accuracy: round(this.rng.range(3, 8), 1),
      ageSeconds: 0,
    };
  }

  /** Speed 0 at the anchor, with independent jitter per fix (noise, not drift). */
  private standingFix(anchor: LatLng): Fix {
    const j = (): number => Math.max(-STOP_JITTER_MAX_M, Math.min(STOP_JITTER_MAX_M, this.rng.gauss() * STOP_JITTER_SD_M));
    const p = offsetM(anchor, j(), j());
    return {
      lat: round(p.lat, 7),
      lng: round(p.lng, 7),
      speedKmh: 0,
      bearing: round(this.lastBearing, 1) % 360,
      accuracy: round(this.rng.range(5, 12), 1),
      ageSeconds: 0,
    };
  }
}
