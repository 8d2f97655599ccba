/**
 * Wire shapes → the live store's shapes. Units and times are converted exactly once, here:
 * the Tracking API speaks km/h and ISO times; REST speaks m/s and ISO times; the store holds
 * m/s and epoch ms.
 */
import type { Device, Position } from '../../../shared/api/schemas';
import type { LocationUpdatePayload } from '../../../shared/protocol/tracking';
import { kmhToMs } from '../../../shared/units';
import type { LiveDevice, LivePosition } from '../store/fleet-store';

/** The phone's own time when the server corrected it (a wrong clock), else null. */
const reportedTime = (iso: string | undefined): number | null => {
  const t = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : null;
};

export function positionFromRest(p: Position): LivePosition {
  return {
    lat: p.lat,
    lng: p.lng,
    speed: p.speed,
    bearing: p.bearing,
    accuracy: p.accuracy,
    altitude: p.altitude,
    time: Date.parse(p.device_time),
    reportedTime: reportedTime(p.reported_time),
  };
}

/** null when the time is not one (the message's shape was checked on arrival, by the tracking client). */
export function positionFromUpdate(p: LocationUpdatePayload): LivePosition | null {
  const time = Date.parse(p.timestamp);
  if (!Number.isFinite(time)) return null;
  return {
    lat: p.lat,
    lng: p.lng,
    speed: kmhToMs(p.speed),
    bearing: p.bearing,
    accuracy: p.accuracy ?? null,
    altitude: p.altitude ?? null,
    time,
    reportedTime: reportedTime(p.reported_time),
  };
}

export function liveDeviceFromRest(d: Device): LiveDevice {
  return {
    id: d.id,
    name: d.name,
    display_name: d.display_name,
    first_name: d.first_name,
    last_name: d.last_name,
    phone: d.phone,
    vehicle_plate: d.vehicle_plate,
    disabled: d.disabled,
    phoneStatus: d.status ?? null,
    position: d.last_position ? positionFromRest(d.last_position) : null,
  };
}
