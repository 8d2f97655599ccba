import type { DrivingEvent, DrivingEventKind, EventCounts } from '../../../shared/api/trips';
import { iso } from '../../../shared/time';
import { kmhToMs } from '../../../shared/units';

/** A filtered fix with its speed (m/s) and course (degrees), as the event rules read it. */
export interface Vertex {
  t: number;
  lat: number;
  lng: number;
  speed: number;
  course: number;
  /** the way here was a relocation (GPS catching up), not driving: no sample spans it */
  break?: boolean;
}

/**
 * Driving event thresholds (documented in the README):
 * - harsh acceleration: Δv/Δt ≥ 3.0 m/s² (≈ 0.3 g; an ordinary car pulling away briskly stays
 *   under 2.5 m/s²);
 * - harsh braking: Δv/Δt ≤ −3.5 m/s² (≈ 0.36 g; normal braking is 1–3 m/s², an emergency stop 7–9);
 * - harsh cornering: lateral acceleration v·ω ≥ 3.5 m/s² (ω = course change rate in rad/s, v the
 *   mean speed), only above 20 km/h, where a course is reliable;
 * - all three only between fixes at most 5 s apart (sparser samples average a manoeuvre away);
 *   consecutive over-threshold samples are one event (value: the peak, m/s²);
 * - speeding: above the company's speed limit for at least 10 s is one event per episode
 *   (value: the peak speed, m/s); an episode breaks at a fix at or under the limit, or a gap of 60 s.
 */
export const HARSH_ACCELERATION_MS2 = 3.0;
export const HARSH_BRAKING_MS2 = -3.5;
export const HARSH_CORNERING_MS2 = 3.5;
export const CORNERING_MIN_SPEED_MS = kmhToMs(20);
export const MAX_SAMPLE_GAP_S = 5;
export const SPEEDING_MIN_S = 10;
export const SPEEDING_MAX_GAP_S = 60;

const round = (x: number) => Math.round(x * 100) / 100;

/** Signed smallest course change a → b in degrees (−180, 180]. */
function courseChange(a: number, b: number): number {
  let d = (b - a) % 360;
  if (d > 180) d -= 360;
  if (d <= -180) d += 360;
  return d;
}

interface Run {
  first: number;
  last: number;
  peak: number;
}

export function detectDrivingEvents(vs: Vertex[], speedLimitMs: number): DrivingEvent[] {
  const events: DrivingEvent[] = [];
  const runs: Record<'harsh_acceleration' | 'harsh_braking' | 'harsh_cornering', Run | null> = {
    harsh_acceleration: null,
    harsh_braking: null,
    harsh_cornering: null,
  };
  const close = (kind: keyof typeof runs) => {
    const r = runs[kind];
    if (!r) return;
    const a = vs[r.first - 1] as Vertex;
    const b = vs[r.last] as Vertex;
    events.push({ kind, time: iso(a.t), lat: a.lat, lng: a.lng, value: round(r.peak), duration_s: (b.t - a.t) / 1000 });
    runs[kind] = null;
  };
  const sample = (kind: keyof typeof runs, i: number, over: boolean, magnitude: number) => {
    if (!over) return close(kind);
    const r = runs[kind];
    if (r && r.last === i - 1) {
      r.last = i;
      r.peak = Math.max(r.peak, magnitude);
    } else {
      close(kind);
      runs[kind] = { first: i, last: i, peak: magnitude };
    }
  };
  for (let i = 1; i < vs.length; i++) {
    const a = vs[i - 1] as Vertex;
    const b = vs[i] as Vertex;
    const dt = (b.t - a.t) / 1000;
    if (dt <= 0 || dt > MAX_SAMPLE_GAP_S || b.break) {
      close('harsh_acceleration');
      close('harsh_braking');
      close('harsh_cornering');
      continue;
    }
    const accel = (b.speed - a.speed) / dt;
    sample('harsh_acceleration', i, accel >= HARSH_ACCELERATION_MS2, accel);
    sample('harsh_braking', i, accel <= HARSH_BRAKING_MS2, -accel);
    const v = (a.speed + b.speed) / 2;
    const lateral = v * Math.abs((courseChange(a.course, b.course) * Math.PI) / 180 / dt);
    sample('harsh_cornering', i, v > CORNERING_MIN_SPEED_MS && lateral >= HARSH_CORNERING_MS2, lateral);
  }
  close('harsh_acceleration');
  close('harsh_braking');
  close('harsh_cornering');
  events.push(...speeding(vs, speedLimitMs));
  return events.sort((x, y) => x.time.localeCompare(y.time));
}

function speeding(vs: Vertex[], limit: number): DrivingEvent[] {
  const out: DrivingEvent[] = [];
  let first = -1;
  let peak = 0;
  const close = (last: number) => {
    if (first < 0) return;
    const a = vs[first] as Vertex;
    const dur = ((vs[last] as Vertex).t - a.t) / 1000;
    if (dur >= SPEEDING_MIN_S) out.push({ kind: 'speeding', time: iso(a.t), lat: a.lat, lng: a.lng, value: round(peak), duration_s: dur });
    first = -1;
  };
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i] as Vertex;
    const gap = i > 0 && (v.t - (vs[i - 1] as Vertex).t) / 1000 > SPEEDING_MAX_GAP_S;
    if (gap) close(i - 1);
    if (v.speed > limit) {
      if (first < 0) {
        first = i;
        peak = 0;
      }
      peak = Math.max(peak, v.speed);
    } else close(i - 1);
  }
  close(vs.length - 1);
  return out;
}

export function countEvents(events: DrivingEvent[]): EventCounts {
  const counts: Record<DrivingEventKind, number> = { harsh_acceleration: 0, harsh_braking: 0, harsh_cornering: 0, speeding: 0 };
  for (const e of events) counts[e.kind]++;
  return counts;
}
