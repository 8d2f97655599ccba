/**
 * Wire shapes → the live store's shapes. Units and times are converted exactly once, here:
 * the Tracking API speaks km/h and ISO times; REST speaks m/s and ISO times; the store holds
 * m/s and epoch ms.
 */
import type { Device, Position } from '../../../shared/api/schemas';
import type { AlertView } from '../../../shared/api/alerts';
import type { DeviceStatus as PhoneStatus } from '../../../shared/protocol/device';
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

/** null when the payload is not a usable position (the server validates; this guards the UI). */
export function positionFromUpdate(p: LocationUpdatePayload): LivePosition | null {
  const time = Date.parse(p.timestamp);
  if (!Number.isFinite(p.lat) || !Number.isFinite(p.lng) || !Number.isFinite(time)) return null;
  return {
    lat: p.lat,
    lng: p.lng,
    speed: kmhToMs(Number.isFinite(p.speed) ? p.speed : 0),
    bearing: Number.isFinite(p.bearing) ? p.bearing : 0,
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

/** null when the payload is not a usable status (it needs its report time). */
export function phoneStatusFromUpdate(p: PhoneStatus | undefined): PhoneStatus | null {
  if (!p || typeof p !== 'object' || typeof p.time !== 'string' || !Number.isFinite(Date.parse(p.time))) return null;
  return p;
}

/** null when the payload is not an alert the console can show. */
export function alertFromNotice(a: AlertView | undefined): AlertView | null {
  if (!a || typeof a !== 'object' || !Number.isInteger(a.id) || typeof a.device_id !== 'string' || (a.kind !== 'sos' && a.kind !== 'crash')) return null;
  return a;
}
