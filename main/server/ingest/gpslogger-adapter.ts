/**
 * GPSLogger for Android, "Log to custom URL" with FleetDesk's template
 * (shared/protocol/gpslogger.ts): `key`, `lat`, `lon`, `time` (%TIME, ISO UTC) or `timestamp`
 * (%TIMESTAMP, epoch s), `alt`, `acc`, `dir`, `spd` (%SPD, m/s; `spd_kph` also read), `batt`,
 * `charging`. Placeholders GPSLogger has no value for arrive empty and count as absent.
 */
import { kmhToMs } from '../../../shared/units';
import type { StatusReport } from '../devices/device-status';
import { parseDeviceTime } from './device-time';
import type { PhoneReport } from './osmand-adapter';
import type { DeviceReport } from './report';
import { badRequest } from '../errors';
import { batteryPercent, firstOf, flag, normalBearing, reader } from './wire-values';

/** One request's parameters → report; throws BadRequest saying why it cannot be read. */
export function fromGpsloggerParams(p: Record<string, string | undefined>, serverTime: number): PhoneReport {
  const deviceKey = firstOf(p, 'key', 'id', 'deviceid');
  if (!deviceKey) throw badRequest('key is missing: the URL must carry key=DEVICE_KEY');
  const num = reader(p);
  let deviceTime = serverTime;
  const time = firstOf(p, 'time', 'timestamp');
  if (time) deviceTime = parseDeviceTime(time);
  const report: DeviceReport = { positions: [] };
  const lat = num('lat');
  const lon = num('lon');
  if (lat !== undefined || lon !== undefined) {
    if (lat === undefined) throw badRequest('lat is missing');
    if (lon === undefined) throw badRequest('lon is missing');
    const kph = num('spd_kph');
    report.positions.push({
      lat,
      lng: lon,
      speed: num('spd') ?? (kph === undefined ? 0 : kmhToMs(kph)),
      bearing: normalBearing(num('dir') ?? 0),
      accuracy: num('acc') ?? null,
      altitude: num('alt') ?? null,
      deviceTime,
      serverTime,
    });
  }
  const status: StatusReport = {};
  const battery = batteryPercent(num('batt'));
  if (battery !== undefined) status.battery = battery;
  const charging = flag(p.charging ?? p.ischarging);
  if (charging !== undefined) status.charging = charging;
  if (Object.keys(status).length > 0) report.status = status;
  return { deviceKey, report };
}
