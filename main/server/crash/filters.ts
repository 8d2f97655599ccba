/**
 * The crash filters (stage AccidentEventCompletePackageReceived): do the positions and sensor
 * data around a reported or detected crash agree that it was one? Pure; unit-tested in
 * test/unit/crash-filters.test.ts.
 *
 * What they look at, around the event time t (device time):
 * - driving before: the fastest speed in [t − 30 s, t] (reported Doppler speed; when a source
 *   reports no speeds at all, the straight-line speed between the window's first and last fix
 *   at least 5 s apart) is at least 15 km/h;
 * - stopped after: within 20 s after t the device comes to a fix below 5 km/h, and from there
 *   every fix of the next 10 s is nearly stationary (below 5 km/h, or within 30 m of where it
 *   stopped), and the fixes cover those 10 s;
 * - impact: a driver-app report whose peak acceleration reached the company's crash threshold.
 *
 * The decision never hides a possible crash for lack of data: the package passes unless the
 * data contradict a crash — the device kept moving after the event, or it was not driving
 * before it (then only a measured impact at or above the threshold still passes it: a parked
 * car can be hit). No positions at all within a minute of the event → passed ("no position
 * data around the event"). A package that fails is not dropped: its alert stays open as an
 * unconfirmed "possible crash". Every finding is written as a sentence, for pass and fail.
 */
import { distanceM } from '../../../shared/geo';
import { kmhToMs, msToKmh } from '../../../shared/units';

export interface FilterFix {
  /** device time, epoch ms */
  time: number;
  lat: number;
  lng: number;
  /** m/s */
  speed: number;
}

export interface FilterInput {
  /** event time, device epoch ms */
  time: number;
  positions: FilterFix[];
  peakG?: number | null;
  thresholdG?: number | null;
}

export interface FilterVerdict {
  passed: boolean;
  reasons: string[];
  drivingBefore: Finding;
  stoppedAfter: Finding;
  impact: boolean;
}

/** yes / no / the data do not tell */
export type Finding = 'yes' | 'no' | 'unknown';

export const FILTER_LIMITS = {
  /** how far before the event driving speed is looked for */
  beforeMs: 30_000,
  /** driving speed, m/s (15 km/h) */
  drivingSpeed: kmhToMs(15),
  /** nearly stationary below this speed, m/s (5 km/h) … */
  stillSpeed: kmhToMs(5),
  /** … or within this distance of where it stopped, m */
  stillRadiusM: 30,
  /** it must come to rest within this long after the event */
  settleMs: 20_000,
  /** and stay at rest this long */
  stillMs: 10_000,
  /** no fix within this long of the event: no position data around it */
  aroundMs: 60_000,
} as const;

const kmh = (ms: number) => `${Math.round(msToKmh(ms))} km/h`;
const secs = (ms: number) => `${Math.round(ms / 1000)} s`;

function drivingBefore(t: number, fixes: FilterFix[]): { finding: Finding; reason: string } {
  const before = fixes.filter((f) => f.time >= t - FILTER_LIMITS.beforeMs && f.time <= t);
  if (before.length === 0) return { finding: 'unknown', reason: 'no positions in the 30 s before the event' };
  let best = before.reduce((a, f) => (f.speed > a.speed ? f : a));
  let top = best.speed;
  const first = before[0] as FilterFix;
  const last = before.at(-1) as FilterFix;
  if (top === 0 && last.time - first.time >= 5_000) {
    // A source without speeds: the straight-line speed across the window.
    top = distanceM(first, last) / ((last.time - first.time) / 1000);
    best = last;
  }
  if (top >= FILTER_LIMITS.drivingSpeed) {
    return { finding: 'yes', reason: `moving at ${kmh(top)} ${secs(t - best.time)} before the event` };
  }
  return { finding: 'no', reason: `at most ${kmh(top)} in the 30 s before the event: not driving` };
}

function stoppedAfter(t: number, fixes: FilterFix[]): { finding: Finding; reason: string } {
  const after = fixes.filter((f) => f.time >= t && f.time <= t + FILTER_LIMITS.aroundMs);
  if (after.length === 0) return { finding: 'unknown', reason: 'no positions after the event (the phone may have stopped sending)' };
  const stop = after.find((f) => f.speed < FILTER_LIMITS.stillSpeed && f.time <= t + FILTER_LIMITS.settleMs);
  if (!stop) {
    const lastTime = (after.at(-1) as FilterFix).time;
    if (lastTime - t < FILTER_LIMITS.settleMs) {
      return { finding: 'unknown', reason: `still moving in the ${secs(lastTime - t)} of positions after the event; nothing later` };
    }
    const fastest = after.filter((f) => f.time <= t + FILTER_LIMITS.settleMs).reduce((a, f) => Math.max(a, f.speed), 0);
    return { finding: 'no', reason: `did not stop within 20 s after the event (up to ${kmh(fastest)})` };
  }
  const window = after.filter((f) => f.time >= stop.time && f.time <= stop.time + FILTER_LIMITS.stillMs);
  const moved = window.find((f) => f.speed >= FILTER_LIMITS.stillSpeed && distanceM(stop, f) >= FILTER_LIMITS.stillRadiusM);
  if (moved) {
    return {
      finding: 'no',
      reason: `drove on ${secs(moved.time - stop.time)} after stopping (${kmh(moved.speed)}, ${Math.round(distanceM(stop, moved))} m away)`,
    };
  }
  const covered = (window.at(-1) as FilterFix).time - stop.time;
  const later = after.some((f) => f.time > stop.time + FILTER_LIMITS.stillMs);
  if (covered >= FILTER_LIMITS.stillMs || later) {
    return { finding: 'yes', reason: `stationary from ${secs(stop.time - t)} after the event for at least 10 s` };
  }
  return { finding: 'unknown', reason: `stationary after the event, but the positions cover only ${secs(covered)} of it` };
}

export function runFilters(input: FilterInput): FilterVerdict {
  const t = input.time;
  const fixes = [...input.positions].filter((f) => Number.isFinite(f.time)).sort((a, b) => a.time - b.time);
  const impact = input.peakG != null && input.thresholdG != null && input.peakG >= input.thresholdG;
  const reasons: string[] = [];
  if (input.peakG != null) {
    if (input.thresholdG == null) reasons.push(`the phone measured a peak of ${input.peakG} g`);
    else reasons.push(`the phone measured a peak of ${input.peakG} g (threshold ${input.thresholdG} g)${impact ? '' : ': below the threshold'}`);
  }
  const near = fixes.some((f) => Math.abs(f.time - t) <= FILTER_LIMITS.aroundMs);
  if (!near) {
    reasons.push('no position data around the event: passed, so that a possible crash is never hidden');
    return { passed: true, reasons, drivingBefore: 'unknown', stoppedAfter: 'unknown', impact };
  }
  const before = drivingBefore(t, fixes);
  const after = stoppedAfter(t, fixes);
  reasons.push(before.reason, after.reason);
  const passed = after.finding !== 'no' && (before.finding !== 'no' || impact);
  if (passed && before.finding === 'no') reasons.push('passed on the measured impact although the device was not driving (a parked car can be hit)');
  if (!passed) reasons.push('not confirmed: the alert stays open as a possible crash');
  return { passed, reasons, drivingBefore: before.finding, stoppedAfter: after.finding, impact };
}
