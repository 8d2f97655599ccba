/**
 * What a phone's clock says, judged against the arrival time: the one place where a device
 * time from the future, a GPS week-number rollover date or a date before 2000 is decided.
 *
 * - A time more than `toleranceMs` ahead of arrival cannot be true: the fix is stored at arrival
 *   time, flagged, and the phone's own time is kept beside it. Later fixes of the same phone
 *   (or of the same report) are moved back by the same amount, so a queue replayed from a phone
 *   whose clock runs ahead keeps its spacing (and its plausible speeds). No fix from the future
 *   ever holds a marker.
 * - A time exactly 1024 weeks (or 2048, 3072) behind arrival, within the tolerance (or up to
 *   `ROLLOVER_QUEUE_MS` behind, for fixes that waited in a queue), is a GPS receiver that lost
 *   count of its week number: corrected by those weeks and flagged.
 * - Older fixes keep their times (queues replay hours-old fixes), except those dated before
 *   2000 (or after 9999), which no phone produces: they are dropped.
 */
import type { DroppedFix } from '../../../shared/protocol/reception';
import { FLAG_CLOCK_AHEAD, FLAG_GPS_ROLLOVER } from '../store/position-flags';

export const DEFAULT_CLOCK_TOLERANCE_MS = 5 * 60_000;
export const GPS_ROLLOVER_MS = 1024 * 7 * 24 * 3600 * 1000;
/** A rollover-dated fix may have waited this long in a phone's queue and still be recognised. */
export const ROLLOVER_QUEUE_MS = 7 * 24 * 3600 * 1000;
const YEAR_2000 = Date.UTC(2000, 0, 1);
const LAST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);


export type ClockVerdict =
  | { ok: true; time: number; flags: number; reported: number | null; /** how far ahead the clock was taken to run (FLAG_CLOCK_AHEAD only) */ skew?: number }
  | { ok: false; drop: DroppedFix };

/** The rollover correction for a time, or null when it is not one. */
function rolloverCorrection(t: number, arrival: number, toleranceMs: number): number | null {
  for (let k = 1; k <= 3; k++) {
    const corrected = t + k * GPS_ROLLOVER_MS;
    if (corrected <= arrival + toleranceMs && corrected >= arrival - ROLLOVER_QUEUE_MS - toleranceMs) return corrected;
  }
  return null;
}

/**
 * How far ahead a phone's clock runs, judged from the newest time of what it sent now (a report
 * or one fix): undefined when that is not ahead; else the skew already known for the phone when
 * it still brings that time within the tolerance (so successive requests keep their spacing),
 * else the newest time minus arrival (that fix is stored at arrival, the others before it).
 */
export function chooseSkew(newest: number, arrival: number, toleranceMs: number, known: number | undefined): number | undefined {
  if (!(newest > arrival + toleranceMs)) return undefined;
  if (known !== undefined && newest - known <= arrival + toleranceMs) return known;
  return newest - arrival;
}

/**
 * One device time judged. `skewMs` is how far ahead this phone's clock is known to run (the
 * report's own skew, reportSkew, or the device's last one); without it, a fix ahead of the
 * tolerance is stored at arrival.
 */
export function judgeTime(t: number, arrival: number, toleranceMs: number, skewMs?: number): ClockVerdict {
  if (!(t <= LAST_TIME)) return { ok: false, drop: { reason: 'bad_time', message: 'the fix is dated after the year 9999: the time cannot be read' } };
  if (t > arrival + toleranceMs) {
    // A known skew keeps the phone's own spacing of its fixes, as long as it does not put one
    // beyond the tolerance; otherwise this fix is stored at arrival.
    const skew = skewMs !== undefined && skewMs > 0 && t - skewMs <= arrival + toleranceMs ? skewMs : t - arrival;
    return { ok: true, time: t - skew, flags: FLAG_CLOCK_AHEAD, reported: t, skew };
  }
  if (t <= arrival - GPS_ROLLOVER_MS + toleranceMs) {
    const corrected = rolloverCorrection(t, arrival, toleranceMs);
    if (corrected !== null) return { ok: true, time: corrected, flags: FLAG_GPS_ROLLOVER, reported: t };
  }
  if (t < YEAR_2000) return { ok: false, drop: { reason: 'bad_time', message: `the fix is dated ${new Date(t).toISOString().slice(0, 10)}, before the year 2000: the phone's clock is wrong` } };
  return { ok: true, time: t, flags: 0, reported: null };
}
