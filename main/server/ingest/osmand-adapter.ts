/**
 * The OsmAnd protocol (Traccar Client, OsmAnd's live monitoring, and most Traccar-compatible
 * apps) and Traccar Client 9's JSON body: wire values in, one DeviceReport in SI units out.
 * Pure: no I/O, the caller resolves the device key and hands the report to the pipeline. A
 * request that cannot be read throws a DomainError (BadRequest) saying what is wrong.
 *
 * Decisions where the protocol leaves room:
 * - `speed` is knots (Traccar's default). OsmAnd itself sends m/s: a 10 % over-read there.
 * - `valid=false` (or 0) fixes are not stored (counted as dropped, no_gps_fix): such apps repeat
 *   their last known position with a new time, which would draw a false track. Battery and
 *   alarm of the request still count.
 * - No lat/lon (cell and Wi-Fi only, push-token uploads): accepted, status only.
 * - `hdop` stands in for `accuracy` when that is absent (OsmAnd puts the accuracy in metres there).
 * - JSON: a negative `speed` or `heading` means unknown and is stored as 0; a negative
 *   `accuracy` or battery `level` as unknown.
 */
import type { AlertKind } from '../../../shared/protocol/device';
import { knotsToMs } from '../../../shared/units';
import type { StatusReport } from '../devices/device-status';
import type { PositionRecord } from './position';
import { parseDeviceTime } from './device-time';
import type { DeviceReport } from './report';
import { DomainError, badRequest } from '../errors';
import { batteryPercent, firstOf, flag, normalBearing, reader } from './wire-values';

/** A report and the identifier of the device that sent it. */
export interface PhoneReport {
  deviceKey: string;
  report: DeviceReport;
}

const TWO_POW_31 = 2 ** 31;

/** Epoch seconds; ≥ 2^31 milliseconds (as Traccar decides); ISO-8601 or `yyyy-MM-dd HH:mm:ss` (UTC). */
export function parseOsmandTime(value: string): number {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return Math.round(n >= TWO_POW_31 ? n : n * 1000);
  }
  return parseDeviceTime(v);
}

/** `alarm=sos` → an SOS; `accident`/`crash` → a crash; other alarm names are not alerts here. */
export function alarmKind(value: unknown): AlertKind | undefined {
  if (typeof value !== 'string') return undefined;
  const names = value.toLowerCase().split(',').map((s) => s.trim());
  if (names.includes('sos')) return 'sos';
  if (names.includes('accident') || names.includes('crash')) return 'crash';
  return undefined;
}

/** One OsmAnd request's parameters (query or form body) → report; throws BadRequest saying why it is malformed. */
export function fromOsmandParams(p: Record<string, string | undefined>, serverTime: number): PhoneReport {
  const deviceKey = firstOf(p, 'id', 'deviceid');
  if (!deviceKey) throw badRequest('id is missing: send id=DEVICE_KEY (or deviceid=DEVICE_KEY)');
  const num = reader(p);
  let lat = num('lat');
  let lon = num('lon');
  const location = p.location?.trim();
  if (location) {
    const parts = location.split(',');
    if (parts.length !== 2) throw badRequest(`location "${location.slice(0, 40)}" is not "lat,lon"`);
    const both = reader({ lat: parts[0], lon: parts[1] });
    lat = both('lat');
    lon = both('lon');
  }
  let deviceTime = serverTime;
  const timestamp = p.timestamp?.trim();
  if (timestamp) deviceTime = parseOsmandTime(timestamp);
  const report: DeviceReport = { positions: [] };
  if (lat !== undefined || lon !== undefined) {
    if (lat === undefined) throw badRequest('lat is missing');
    if (lon === undefined) throw badRequest('lon is missing');
    const accuracy = num('accuracy') ?? num('hdop');
    const position: PositionRecord = {
      lat,
      lng: lon,
      speed: knotsToMs(num('speed') ?? 0),
      bearing: normalBearing(num('bearing', 'heading') ?? 0),
      accuracy: accuracy ?? null,
      altitude: num('altitude') ?? null,
      deviceTime,
      serverTime,
    };
    if (flag(p.valid) !== false) report.positions.push(position);
    else report.unusable = [{ position, dropped: { reason: 'no_gps_fix', message: 'the app marked this fix as not valid (no GPS lock)' } }];
  }
  const status: StatusReport = {};
  const battery = batteryPercent(num('batt'));
  if (battery !== undefined) status.battery = battery;
  const charging = flag(p.charge);
  if (charging !== undefined) status.charging = charging;
  if (Object.keys(status).length > 0) report.status = status;
  const kind = alarmKind(p.alarm);
  if (kind) report.alarm = { kind, deviceTime };
  return { deviceKey, report };
}

type Json = Record<string, unknown>;

/** Runs `fn`; a problem it finds is named with where in the body it is ("location[2].timestamp …"). */
function within<T>(where: string, fn: () => T, sep = '.'): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DomainError) throw badRequest(`${where}${sep}${err.message}`);
    throw err;
  }
}
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const numberOr = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const identifier = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** One transistorsoft-style `location` object (coords in SI already) → part of a report. */
function fromJsonLocation(loc: unknown, where: string, serverTime: number, into: DeviceReport): void {
  if (!isObject(loc)) throw badRequest(`${where} is not an object`);
  let deviceTime = serverTime;
  if (loc.timestamp !== undefined && loc.timestamp !== null) {
    if (typeof loc.timestamp !== 'string' && typeof loc.timestamp !== 'number') throw badRequest(`${where}.timestamp is not a time`);
    deviceTime = within(where, () => parseDeviceTime(loc.timestamp as string | number));
  }
  if (loc.coords !== undefined && loc.coords !== null) {
    const c = loc.coords;
    if (!isObject(c)) throw badRequest(`${where}.coords is not an object`);
    const lat = numberOr(c.latitude);
    const lng = numberOr(c.longitude);
    if (lat === undefined) throw badRequest(`${where}.coords.latitude is missing or not a number`);
    if (lng === undefined) throw badRequest(`${where}.coords.longitude is missing or not a number`);
    const speed = numberOr(c.speed);
    const heading = numberOr(c.heading);
    const accuracy = numberOr(c.accuracy);
    into.positions.push({
      lat,
      lng,
      speed: speed !== undefined && speed > 0 ? speed : 0,
      bearing: heading !== undefined && heading >= 0 ? normalBearing(heading) : 0,
      accuracy: accuracy !== undefined && accuracy >= 0 ? accuracy : null,
      altitude: numberOr(c.altitude) ?? null,
      deviceTime,
      serverTime,
    });
  }
  if (isObject(loc.battery)) {
    const level = numberOr(loc.battery.level);
    // 0–1 as the plugin reports it; a few forks report whole percent
    const pct = batteryPercent(level === undefined ? undefined : level <= 1 ? Math.round(level * 1000) / 10 : level);
    if (pct !== undefined) into.status = { ...into.status, battery: pct };
    const charging = flag(loc.battery.is_charging as boolean | undefined);
    if (charging !== undefined) into.status = { ...into.status, charging };
  }
  const kind = alarmKind(loc.alarm) ?? alarmKind(isObject(loc.extras) ? loc.extras.alarm : undefined);
  if (kind) into.alarm = { kind, deviceTime };
}

/** Flat JSON objects of Traccar Client's JSON mode carry the OsmAnd form fields as JSON values. */
function asParams(o: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  if (out.id === undefined && out.device_id !== undefined) out.id = out.device_id;
  return out;
}

function fromJsonObject(o: Json, where: string, serverTime: number): PhoneReport {
  if (o.location === undefined && o.coords === undefined) {
    // Traccar Client's newer JSON mode: the OsmAnd fields as a flat object
    return where ? within(`${where}:`, () => fromOsmandParams(asParams(o), serverTime), ' ') : fromOsmandParams(asParams(o), serverTime);
  }
  const deviceKey = identifier(o.device_id) ?? identifier(o.id) ?? identifier(o.deviceid);
  if (!deviceKey) throw badRequest(`${where ? `${where}.` : ''}device_id is missing`);
  const locations = Array.isArray(o.location) ? o.location : o.location !== undefined ? [o.location] : [o];
  const report: DeviceReport = { positions: [] };
  const rootKind = alarmKind(o.alarm);
  for (const [i, loc] of locations.entries()) {
    const name = `${where ? `${where}.` : ''}location${Array.isArray(o.location) ? `[${i}]` : ''}`;
    fromJsonLocation(loc, name, serverTime, report);
  }
  if (rootKind && !report.alarm) report.alarm = { kind: rootKind, deviceTime: report.positions.at(-1)?.deviceTime ?? serverTime };
  return { deviceKey, report };
}

/**
 * Traccar Client 9's JSON: `{location:{…}, device_id}` (location may be an array of them), or a
 * JSON array of such objects or of flat OsmAnd-field objects. Reports of one key are merged.
 */
export function fromTraccarJson(body: unknown, serverTime: number): PhoneReport[] {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) throw badRequest('the JSON array holds no locations');
  const byKey = new Map<string, DeviceReport>();
  for (const [i, item] of items.entries()) {
    const where = Array.isArray(body) ? `[${i}]` : '';
    if (!isObject(item)) throw badRequest(`${where ? `${where} ` : 'the body '}is not a JSON object`);
    const r = fromJsonObject(item, where, serverTime);
    const into = byKey.get(r.deviceKey);
    if (!into) {
      byKey.set(r.deviceKey, r.report);
      continue;
    }
    into.positions.push(...r.report.positions);
    if (r.report.unusable) into.unusable = [...(into.unusable ?? []), ...r.report.unusable];
    if (r.report.status) into.status = { ...into.status, ...r.report.status };
    if (r.report.alarm) into.alarm = r.report.alarm;
  }
  return [...byKey].map(([deviceKey, report]) => ({ deviceKey, report }));
}
