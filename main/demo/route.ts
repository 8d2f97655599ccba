/**
 * The route model: a recorded drive, cleaned of its GPS jump, replayed on its own timeline.
 * A vehicle's place on the route is `tau`, seconds into the recording; driving forward or
 * backward along tau reproduces the recorded speeds, traffic-light stops and curves.
 */
import { bearingDeg, distanceM, lerp, normalizeBearing, type LatLng } from '../../shared/geo';
import type { TraceFix } from './trace';

export interface RoutePoint extends LatLng {
  /** seconds since the first fix */
  t: number;
  /** metres along the route */
  d: number;
}

/** Above this a step between two fixes is a GPS jump, not driving (180 km/h). */
export const MAX_PLAUSIBLE_SPEED_MS = 50;
/** Seconds the replayed distance is averaged over (odd): 1 Hz GPS steps are noisy. */
const SMOOTHING_S = 5;
/** Bearings are taken over this many metres either side: a single GPS step can point anywhere. */
const BEARING_SPAN_M = 8;

const same = (a: LatLng, b: LatLng): boolean => a.lat === b.lat && a.lng === b.lng;

/**
 * Removes GPS jumps. A receiver that loses its signal often keeps repeating its last fix and
 * then leaps to the new one (the Munich drive does this: 33 s frozen, then 470 m in 1 s). The
 * repeated copies are dropped so the last real fix joins the next one over the whole gap,
 * at the speed the car really drove; a lone outlier with no frozen run before it is dropped.
 */
export function removeGpsJumps(fixes: readonly TraceFix[], maxSpeedMs = MAX_PLAUSIBLE_SPEED_MS): TraceFix[] {
  const out: TraceFix[] = [];
  const plausible = (a: TraceFix, b: TraceFix): boolean => distanceM(a, b) / ((b.time - a.time) / 1000) <= maxSpeedMs;
  for (const f of fixes) {
    const last = out[out.length - 1];
    if (!last || plausible(last, f)) {
      out.push(f);
      continue;
    }
    while (out.length >= 2 && same(out[out.length - 1]!, out[out.length - 2]!)) out.pop();
    if (plausible(out[out.length - 1]!, f)) out.push(f);
  }
  return out;
}

export class Route {
  readonly points: readonly RoutePoint[];
  /** seconds */
  readonly duration: number;
  /** metres */
  readonly length: number;
  /**
   * Distance along the route at each point's time, averaged over SMOOTHING_S. Raw 1 Hz fixes
   * stutter (a repeated fix, then a double step); replaying the smoothed distance keeps the
   * recorded speeds and stops while positions, speeds and bearings agree second by second.
   */
  private readonly smoothD: readonly number[];

  private constructor(points: RoutePoint[]) {
    this.points = points;
    this.duration = points[points.length - 1]!.t;
    this.length = points[points.length - 1]!.d;
    const half = (SMOOTHING_S - 1) / 2;
    const raw = points.map((p) => p.d);
    this.smoothD = points.map((p) => {
      let sum = 0;
      for (let k = -half; k <= half; k++) sum += this.interpolate(raw, p.t + k);
      return sum / SMOOTHING_S;
    });
  }

  static fromTrace(fixes: readonly TraceFix[]): Route {
    const clean = removeGpsJumps(fixes);
    if (clean.length < 2) throw new Error('the trace has fewer than two usable fixes');
    const t0 = clean[0]!.time;
    let d = 0;
    const points = clean.map((f, i): RoutePoint => {
      if (i > 0) d += distanceM(clean[i - 1]!, f);
      return { lat: f.lat, lng: f.lng, t: (f.time - t0) / 1000, d };
    });
    return new Route(points);
  }

  clampTau(tau: number): number {
    return Math.min(this.duration, Math.max(0, tau));
  }

  /** How far along the route the replay is at tau, metres. */
  distanceAt(tau: number): number {
    return this.interpolate(this.smoothD, tau);
  }

  /** Where the replay is at tau: on the recorded polyline, at the smoothed distance. */
  at(tau: number): RoutePoint {
    const t = this.clampTau(tau);
    const d = this.distanceAt(t);
    return { ...this.pointAtDistance(d), t, d };
  }

  /** Recorded speed around tau, m/s: the distance covered from a second before to a second after. */
  speedAt(tau: number): number {
    const from = this.clampTau(tau - 1);
    const to = this.clampTau(tau + 1);
    return to > from ? (this.distanceAt(to) - this.distanceAt(from)) / (to - from) : 0;
  }

  /**
   * The first and last moments the recorded car is at most this fast. The recording starts
   * and ends in motion; vehicles turn round within this span so they never brake from 35 km/h
   * to nothing in one second.
   */
  slowSpan(maxSpeedMs: number): [number, number] {
    let first = 0;
    while (first < this.duration && this.speedAt(first) > maxSpeedMs) first += 0.5;
    let last = this.duration;
    while (last > first && this.speedAt(last) > maxSpeedMs) last -= 0.5;
    return [first, last];
  }

  /** The point `d` metres along the route. */
  pointAtDistance(d: number): LatLng {
    const dist = Math.min(this.length, Math.max(0, d));
    const i = this.indexBefore((p) => p.d, dist);
    const a = this.points[i]!;
    const b = this.points[Math.min(i + 1, this.points.length - 1)]!;
    return lerp(a, b, b.d > a.d ? (dist - a.d) / (b.d - a.d) : 0);
  }

  /** Direction of travel at `d` metres along, driving forward (1) or backward (-1). */
  bearingAt(d: number, direction: 1 | -1): number {
    const a = this.pointAtDistance(d - BEARING_SPAN_M);
    const b = this.pointAtDistance(d + BEARING_SPAN_M);
    const forward = bearingDeg(a, b);
    return direction === 1 ? forward : normalizeBearing(forward + 180);
  }

  /** Shortest distance from p to the route's polyline, metres (to check a position is on it). */
  distanceFrom(p: LatLng): number {
    let best = Infinity;
    for (let i = 1; i < this.points.length; i++) best = Math.min(best, segmentDistanceM(p, this.points[i - 1]!, this.points[i]!));
    return best;
  }

  /** A per-point value at time tau, linear between points. */
  private interpolate(values: readonly number[], tau: number): number {
    const t = this.clampTau(tau);
    const i = this.indexBefore((p) => p.t, t);
    const j = Math.min(i + 1, this.points.length - 1);
    const a = this.points[i]!;
    const b = this.points[j]!;
    const f = b.t > a.t ? (t - a.t) / (b.t - a.t) : 0;
    return values[i]! + (values[j]! - values[i]!) * f;
  }

  /** Last index whose key is ≤ value (binary search: keys never decrease). */
  private indexBefore(key: (p: RoutePoint) => number, value: number): number {
    let lo = 0;
    let hi = this.points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (key(this.points[mid]!) <= value) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Distance from p to segment ab on a local flat projection (metres; fine at city scale). */
function segmentDistanceM(p: LatLng, a: LatLng, b: LatLng): number {
  const k = Math.cos((p.lat * Math.PI) / 180);
  const ax = (a.lng - p.lng) * k;
  const ay = a.lat - p.lat;
  const bx = (b.lng - p.lng) * k;
  const by = b.lat - p.lat;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const f = len2 > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2)) : 0;
  return distanceM(p, { lat: p.lat + ay + f * dy, lng: p.lng + (ax + f * dx) / k });
}
