import { bearingDeg, distanceM } from '../../../shared/geo';
import type { DrivingEvent, EventCounts, TrackGeometry, TripSettings, TripStop } from '../../../shared/api/trips';
import { countEvents, detectDrivingEvents, type Vertex } from './driving-events';
import { safetyScore } from './score';
import { isHidden } from '../store/position-flags';
import { MAX_PLAUSIBLE_SPEED_MS } from '../ingest/plausibility';
import { iso } from '../../../shared/time';
import { kmhToMs } from '../../../shared/units';

/** A raw fix as stored in positions (SI units, epoch ms); flags & 1 marks a GPS jump. */
export interface RawFix {
  t: number;
  lat: number;
  lng: number;
  speed: number;
  bearing: number;
  accuracy: number | null;
  altitude: number | null;
  flags: number;
}

/** Faster than any road vehicle (m/s): a fix implying this from the last kept one is an outlier (ingest's default limit). */
export const OUTLIER_SPEED_MS = MAX_PLAUSIBLE_SPEED_MS;
/** Jumps this short are never outliers: position noise, not travel (as in ingest plausibility). */
const OUTLIER_NOISE_M = 50;
/** A fix within this many metres of the last kept one (its accuracy when reported, capped) adds no distance. */
export const JITTER_DEFAULT_M = 5;
export const JITTER_MAX_M = 25;
/** Below this (m/s) a segment is idle, at or above it moving. */
export const MOVING_SPEED_MS = 1;
/** A stop inside a trip: idle for at least this long (s). */
export const STOP_MIN_S = 30;
/** Max speed from implied speeds is taken over at least this long (s), so one noisy fix is no record. */
const MAX_SPEED_WINDOW_S = 2;

export interface ProcessedTrack {
  start: number;
  end: number;
  distance_m: number;
  duration_s: number;
  moving_s: number;
  idle_s: number;
  avg_speed: number;
  max_speed: number;
  score: number;
  counts: EventCounts;
  events: DrivingEvent[];
  stops: TripStop[];
  geometry: TrackGeometry;
  /** fixes left out as outliers (flagged at ingest or implying > OUTLIER_SPEED_MS) */
  outliers: number;
}

/** Sorted by device time, one fix per time, flagged fixes and impossible jumps left out. */
export function removeOutliers(raw: RawFix[]): RawFix[] {
  const sorted = [...raw].sort((a, b) => a.t - b.t);
  const out: RawFix[] = [];
  let suspect: RawFix | null = null;
  for (const f of sorted) {
    if (isHidden(f.flags)) continue;
    const k = out.at(-1);
    if (k && f.t === k.t) continue;
    // A second jumped fix consistent with the first is a real relocation: accept it.
    if (!k || !tooFast(k, f) || (suspect && !tooFast(suspect, f))) {
      out.push(f);
      suspect = null;
    } else suspect = f;
  }
  return out;
}

function tooFast(a: RawFix, b: RawFix): boolean {
  const d = distanceM(a, b);
  if (d <= OUTLIER_NOISE_M + (a.accuracy ?? 0) + (b.accuracy ?? 0)) return false;
  return d / Math.max((b.t - a.t) / 1000, 1) > OUTLIER_SPEED_MS;
}

/**
 * Jitter: a fix within its accuracy (JITTER_DEFAULT_M when unknown, at most JITTER_MAX_M) of
 * the last kept fix is a stationary wobble and adds no distance. On a straight line nothing is
 * lost (the next fix measures from the last kept one). The last fix is always kept, so the
 * track spans its whole time.
 */
export function removeJitter(fixes: RawFix[]): RawFix[] {
  const out: RawFix[] = [];
  for (let i = 0; i < fixes.length; i++) {
    const f = fixes[i] as RawFix;
    const k = out.at(-1);
    const radius = Math.min(f.accuracy ?? JITTER_DEFAULT_M, JITTER_MAX_M);
    if (!k || i === fixes.length - 1 || distanceM(k, f) >= radius) out.push(f);
  }
  return out;
}

export const filterFixes = (raw: RawFix[]): RawFix[] => removeJitter(removeOutliers(raw));

export function pathDistance(fixes: { lat: number; lng: number }[]): number {
  let d = 0;
  for (let i = 1; i < fixes.length; i++) d += distanceM(fixes[i - 1] as RawFix, fixes[i] as RawFix);
  return d;
}

export function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}

/** A track reports speeds when any fix has a non-zero speed (adapters store 0 when the app sent none). */
const reportsSpeed = (fixes: RawFix[]): boolean => fixes.some((f) => f.speed > 0);

/** Implied speeds and courses are taken over ±this many seconds around a vertex (GPS noise at 1 Hz is metres per fix). */
export const IMPLIED_HALF_WINDOW_S = 3;

/**
 * Speed (m/s) and course (degrees) at each vertex: as reported when the device reports speed,
 * else implied from the path over ±IMPLIED_HALF_WINDOW_S (at least the neighbours).
 */
export function vertexSpeeds(fixes: RawFix[]): Vertex[] {
  if (reportsSpeed(fixes)) return fixes.map((f) => ({ t: f.t, lat: f.lat, lng: f.lng, speed: f.speed, course: f.bearing }));
  const cum = cumulative(fixes);
  // A relocation (GPS catching up after a frozen stretch) is no speed: windows stop at it.
  const brk = fixes.map((f, i) => i > 0 && ((cum[i] as number) - (cum[i - 1] as number)) / Math.max((f.t - (fixes[i - 1] as RawFix).t) / 1000, 1) > OUTLIER_SPEED_MS);
  const half = IMPLIED_HALF_WINDOW_S * 1000;
  return fixes.map((f, i) => {
    let a = i;
    while (a > 0 && !brk[a] && (a === i || f.t - (fixes[a - 1] as RawFix).t <= half)) a--;
    let b = i;
    while (b + 1 < fixes.length && !brk[b + 1] && (b === i || (fixes[b + 1] as RawFix).t - f.t <= half)) b++;
    const fa = fixes[a] as RawFix;
    const fb = fixes[b] as RawFix;
    const dt = (fb.t - fa.t) / 1000;
    const d = (cum[b] as number) - (cum[a] as number);
    const v: Vertex = { t: f.t, lat: f.lat, lng: f.lng, speed: dt > 0 ? d / dt : 0, course: distanceM(fa, fb) > 0 ? bearingDeg(fa, fb) : 0 };
    if (brk[i]) v.break = true;
    return v;
  });
}

function cumulative(fixes: RawFix[]): number[] {
  const cum = [0];
  for (let i = 1; i < fixes.length; i++) cum.push((cum[i - 1] as number) + distanceM(fixes[i - 1] as RawFix, fixes[i] as RawFix));
  return cum;
}

/** Max speed that is no single spike: reported → the best speed two consecutive fixes agree on; implied → over ≥ 2 s. */
function robustMaxSpeed(fixes: RawFix[], vs: Vertex[]): number {
  let max = 0;
  if (reportsSpeed(fixes)) {
    for (let i = 1; i < vs.length; i++) max = Math.max(max, Math.min((vs[i - 1] as Vertex).speed, (vs[i] as Vertex).speed));
    return max;
  }
  const cum = cumulative(fixes);
  let j = 0;
  for (let i = 0; i < fixes.length; i++) {
    j = Math.max(j, i + 1);
    while (j < fixes.length && ((fixes[j] as RawFix).t - (fixes[i] as RawFix).t) / 1000 < MAX_SPEED_WINDOW_S) j++;
    if (j >= fixes.length) break;
    const dt = ((fixes[j] as RawFix).t - (fixes[i] as RawFix).t) / 1000;
    if (vs.slice(i + 1, j + 1).some((v) => v.break)) continue;
    max = Math.max(max, ((cum[j] as number) - (cum[i] as number)) / dt);
  }
  return max;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The processed track (pure): outliers and jitter filtered; distance as haversine between the
 * filtered fixes; moving time = segments at ≥ MOVING_SPEED_MS, idle = the rest; average speed over
 * the moving time; a robust max speed; stops of ≥ STOP_MIN_S; driving events; the safety score.
 */
export function processTrack(raw: RawFix[], s: Pick<TripSettings, 'speed_limit_kmh'>): ProcessedTrack {
  const clean = removeOutliers(raw);
  const kept = removeJitter(clean);
  // Speeds and events from every clean fix (jitter removal leaves uneven gaps); the geometry,
  // distance, moving time and stops from the kept ones.
  const all = vertexSpeeds(clean);
  const byTime = new Map(all.map((v) => [v.t, v]));
  const vs = kept.map((f) => byTime.get(f.t) as Vertex);
  const reported = reportsSpeed(kept);
  const start = clean[0]?.t ?? raw[0]?.t ?? 0;
  const end = clean.at(-1)?.t ?? start;
  let distance = 0;
  let movingS = 0;
  let movingDist = 0;
  const stops: TripStop[] = [];
  let idleRun: { from: number; to: number } | null = null;
  const closeRun = () => {
    if (idleRun) {
      const a = vs[idleRun.from] as Vertex;
      const b = vs[idleRun.to] as Vertex;
      const dur = (b.t - a.t) / 1000;
      if (dur >= STOP_MIN_S) stops.push({ start: iso(a.t), end: iso(b.t), lat: a.lat, lng: a.lng, duration_s: dur });
    }
    idleRun = null;
  };
  for (let i = 1; i < kept.length; i++) {
    const a = vs[i - 1] as Vertex;
    const b = vs[i] as Vertex;
    const d = distanceM(a, b);
    const dt = (b.t - a.t) / 1000;
    distance += d;
    const slow = d / dt < MOVING_SPEED_MS || (reported && a.speed < MOVING_SPEED_MS && b.speed < MOVING_SPEED_MS);
    if (slow) {
      idleRun = idleRun ? { from: idleRun.from, to: i } : { from: i - 1, to: i };
    } else {
      closeRun();
      movingS += dt;
      movingDist += d;
    }
  }
  closeRun();
  const durationS = (end - start) / 1000;
  const events = detectDrivingEvents(all, kmhToMs(s.speed_limit_kmh));
  const counts = countEvents(events);
  const speedingS = events.filter((e) => e.kind === 'speeding').reduce((sum, e) => sum + e.duration_s, 0);
  return {
    start,
    end,
    distance_m: round(distance, 1),
    duration_s: durationS,
    moving_s: round(movingS, 1),
    idle_s: round(Math.max(0, durationS - movingS), 1),
    avg_speed: movingS > 0 ? round(movingDist / movingS, 2) : 0,
    max_speed: round(robustMaxSpeed(clean, all), 2),
    score: safetyScore(counts, speedingS, distance),
    counts,
    events,
    stops,
    geometry: {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: kept.map((f) => (f.altitude === null ? [f.lng, f.lat] : [f.lng, f.lat, f.altitude])) },
      properties: { times: kept.map((f) => iso(f.t)), speeds: vs.map((v) => round(v.speed, 2)) },
    },
    outliers: raw.length - clean.length,
  };
}
