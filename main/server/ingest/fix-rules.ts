/**
 * Whether one fix is a position at all. A fix that fails is dropped, never refused: the phone is
 * told "delivered" so that its queue moves on (a refused head would block every later fix), and
 * the drop is counted with its reason for the console.
 */
import type { DroppedFix } from '../../../shared/protocol/reception';
import { kmhToMs, msToKmh } from '../../../shared/units';
import type { PositionRecord } from './position';

/** No vehicle and no phone's GPS reports more: 2,000 km/h. */
export const MAX_REPORTED_SPEED_MS = kmhToMs(2000);

/**
 * Why a fix can never be stored, or null. Optional values that are not numbers (a bearing,
 * an accuracy, an altitude) are cleared in place instead: the position itself is still good.
 * Times are judged apart (./clock.ts).
 */
export function fixProblem(p: PositionRecord): DroppedFix | null {
  if (!Number.isFinite(p.lat) || !Number.isFinite(p.lng) || p.lat < -90 || p.lat > 90 || p.lng < -180 || p.lng > 180) {
    return { reason: 'out_of_range', message: `${p.lat},${p.lng} is not on the globe (latitude -90..90, longitude -180..180)` };
  }
  if (p.lat === 0 && p.lng === 0) return { reason: 'zero_position', message: 'a fix at 0,0 is not a real position (the phone had no position)' };
  if (!Number.isFinite(p.speed) || p.speed < 0 || p.speed > MAX_REPORTED_SPEED_MS) {
    return { reason: 'impossible_speed', message: `a speed of ${Number.isFinite(p.speed) ? Math.round(msToKmh(p.speed)) : p.speed} km/h is impossible` };
  }
  if (!Number.isFinite(p.bearing)) p.bearing = 0;
  if (p.accuracy !== null && !(Number.isFinite(p.accuracy) && p.accuracy >= 0)) p.accuracy = null;
  if (p.altitude !== null && !Number.isFinite(p.altitude)) p.altitude = null;
  return null;
}

export const DUPLICATE: DroppedFix = { reason: 'duplicate', message: 'a fix with this time is already stored' };
