import type { AlertPayload } from '../../../shared/protocol/device';
import type { DroppedFix } from '../../../shared/protocol/reception';
import type { LocationPayload } from '../../../shared/protocol/tracking';
import type { DeviceReport } from './report';
import { kmhToMs } from '../../../shared/units';
import type { PositionRecord } from './position';
import { DomainError, badPayload } from '../errors';
import { parseDeviceTime } from './device-time';

/**
 * The Tracking API's adapter (WebSocket `driver_location` and the HTTP fallback): km/h to m/s,
 * bearing into [0, 360), the device time from `timestamp` (or `time_stamp`, or arrival). A value
 * that cannot be read throws BadPayload, the Tracking API's name for it.
 */
export function fromTrackingPayload(p: LocationPayload, serverTime: number, timeStampSeconds?: number): PositionRecord {
  let deviceTime = serverTime;
  const t = p.timestamp ?? (timeStampSeconds === undefined ? undefined : timeStampSeconds);
  if (t !== undefined) deviceTime = asBadPayload(() => parseDeviceTime(t));
  return {
    lat: p.lat,
    lng: p.lng,
    speed: kmhToMs(p.speed),
    // Only a bearing outside [0, 360) is wrapped: the arithmetic would add float noise to one inside.
    bearing: p.bearing >= 0 && p.bearing < 360 ? p.bearing : ((p.bearing % 360) + 360) % 360,
    accuracy: p.accuracy ?? null,
    altitude: p.altitude ?? null,
    deviceTime,
    serverTime,
  };
}

/**
 * A `location_batch`: each fix as fromTrackingPayload makes it; one whose time cannot be read is
 * unusable (dropped, counted). `indexes[i]` is the batch index of `report.positions[i]`, so the
 * ack can name dropped fixes by their place in the message.
 */
export function fromLocationBatch(fixes: readonly LocationPayload[], serverTime: number): { report: DeviceReport; indexes: number[]; unreadable: ({ index: number } & DroppedFix)[] } {
  const report: DeviceReport = { positions: [], unusable: [] };
  const indexes: number[] = [];
  const unreadable: ({ index: number } & DroppedFix)[] = [];
  fixes.forEach((fix, index) => {
    let position: PositionRecord;
    try {
      position = fromTrackingPayload(fix, serverTime);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const dropped: DroppedFix = { reason: 'bad_time', message: err.message };
      unreadable.push({ index, ...dropped });
      report.unusable!.push({ position: { lat: fix.lat, lng: fix.lng }, dropped });
      return;
    }
    indexes.push(index);
    report.positions.push(position);
  });
  return { report, indexes, unreadable };
}

/** An SOS or crash `alert`: an alarm placed where it says, else at the newest fix of its crash buffer. */
export function fromAlertPayload(a: AlertPayload): DeviceReport {
  const deviceTime = asBadPayload(() => parseDeviceTime(a.timestamp), 'payload.timestamp: ');
  const buffered = a.positions?.at(-1);
  const details: Record<string, unknown> = {};
  for (const k of ['peak_g', 'threshold_g', 'motion', 'positions'] as const) if (a[k] !== undefined) details[k] = a[k];
  return {
    positions: [],
    alarm: {
      kind: a.kind,
      deviceTime,
      lat: a.lat ?? buffered?.lat ?? null,
      lng: a.lng ?? buffered?.lng ?? null,
      details: Object.keys(details).length > 0 ? details : null,
    },
  };
}

/** The Tracking API calls a value it cannot read BadPayload. */
function asBadPayload<T>(fn: () => T, prefix = ''): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof DomainError ? badPayload(`${prefix}${err.message}`) : err;
  }
}
