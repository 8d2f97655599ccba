import type { LocationPayload } from '../../../shared/protocol/tracking';
import { kmhToMs } from '../../../shared/units';
import type { PositionRecord } from '../store/positions';
import { parseDeviceTime } from './device-time';

/**
 * The Tracking API's adapter (WebSocket `driver_location` and the HTTP fallback): km/h to m/s,
 * bearing into [0, 360), the device time from `timestamp` (or `time_stamp`, or arrival).
 */
export function fromTrackingPayload(p: LocationPayload, serverTime: number, timeStampSeconds?: number): PositionRecord | string {
  let deviceTime = serverTime;
  const t = p.timestamp ?? (timeStampSeconds === undefined ? undefined : timeStampSeconds);
  if (t !== undefined) {
    const parsed = parseDeviceTime(t);
    if (typeof parsed === 'string') return parsed;
    deviceTime = parsed;
  }
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
