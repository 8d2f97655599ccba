/** Stored rows → the shapes clients see. REST stays SI; the Tracking API speaks km/h. */
import type { Company, Device, DisplayField, Position, User } from '../../shared/api/schemas';
import type { LocationUpdate } from '../../shared/protocol/tracking';
import type { DeviceStatus, DeviceStatusUpdate } from '../../shared/protocol/device';
import { msToKmh, round } from '../../shared/units';
import type { CompanyRow } from './store/companies';
import type { PositionRow } from './store/positions';
import type { PositionRecord } from './ingest/position';
import { rowToRecord } from './store/positions';
import type { UserRow } from './store/users';
import type { DeviceClock } from '../../shared/protocol/reception';
import { FLAG_CLOCK_AHEAD, FLAG_GPS_ROLLOVER } from './store/position-flags';
import { iso } from '../../shared/time';

export function positionView(p: PositionRecord | PositionRow): Position {
  const r = 'deviceTime' in p ? p : rowToRecord(p);
  const view: Position = {
    lat: r.lat,
    lng: r.lng,
    speed: r.speed,
    bearing: r.bearing,
    accuracy: r.accuracy,
    altitude: r.altitude,
    device_time: iso(r.deviceTime),
    server_time: iso(r.serverTime),
  };
  if (r.reportedTime !== undefined && r.reportedTime !== null) view.reported_time = iso(r.reportedTime);
  return view;
}

/** The phone's clock as its newest fix shows it (the fix's clock flags and its own time). */
export function deviceClock(latest: PositionRow | undefined): DeviceClock {
  if (!latest || latest.reported_time === null) return { state: 'ok', offset_ms: 0, at: latest ? iso(latest.server_time) : null };
  const state = latest.flags & FLAG_GPS_ROLLOVER ? 'rollover' : latest.flags & FLAG_CLOCK_AHEAD ? 'ahead' : 'ok';
  return { state, offset_ms: latest.reported_time - latest.device_time, at: iso(latest.server_time) };
}

export function locationUpdate(userId: string, p: PositionRecord): LocationUpdate {
  const payload: LocationUpdate['payload'] = {
    lat: p.lat,
    lng: p.lng,
    speed: round(msToKmh(p.speed), 2),
    bearing: round(p.bearing, 1) % 360,
    timestamp: iso(p.deviceTime),
  };
  if (p.accuracy !== null) payload.accuracy = p.accuracy;
  if (p.altitude !== null) payload.altitude = p.altitude;
  if (p.reportedTime !== undefined && p.reportedTime !== null) payload.reported_time = iso(p.reportedTime);
  return { type: 'location_update', id: userId, payload };
}

export function deviceStatusUpdate(userId: string, status: DeviceStatus): DeviceStatusUpdate {
  return { type: 'device_status', id: userId, payload: status };
}

/** The name a device goes by everywhere, per the company's display-field preference. */
export function deviceName(u: UserRow, field: DisplayField): string {
  const full = [u.first_name, u.last_name].filter(Boolean).join(' ');
  const preferred = field === 'full_name' ? full : field === 'user_id' ? u.user_id : u[field];
  return preferred || u.display_name || u.user_id;
}

export function deviceView(u: UserRow, field: DisplayField, last: PositionRow | undefined, status: DeviceStatus | null = null): Device {
  return {
    id: u.user_id,
    name: deviceName(u, field),
    display_name: u.display_name,
    first_name: u.first_name,
    last_name: u.last_name,
    phone: u.phone,
    vehicle_plate: u.vehicle_plate,
    disabled: u.disabled === 1,
    last_position: last ? positionView(last) : null,
    status,
  };
}

export function userView(u: UserRow): User {
  return {
    id: u.user_id,
    role: u.role,
    display_name: u.display_name,
    first_name: u.first_name,
    last_name: u.last_name,
    phone: u.phone,
    vehicle_plate: u.vehicle_plate,
    disabled: u.disabled === 1,
    has_password: u.password_hash !== null,
    created_at: iso(u.created_at),
  };
}

export function companyView(c: CompanyRow): Company {
  return {
    id: c.id,
    name: c.name,
    display_field: c.display_field,
    max_connections: c.max_connections,
    tile_url: c.tile_url,
    crash_threshold_g: c.crash_threshold_g,
    owntracks_friends: c.owntracks_friends === 1,
    created_at: iso(c.created_at),
  };
}
