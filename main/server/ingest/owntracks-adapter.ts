/**
 * OwnTracks in HTTP mode: one JSON message per POST → a DeviceReport, and the friends' objects
 * for the reply. Pure: the route authenticates, stores and answers.
 *
 * - `location`: vel km/h → m/s; cog; acc; alt; tst epoch s (absent: arrival time); batt %,
 *   bs (1 unplugged, 2 charging, 3 full = on charge) and conn (w/m/o) → device status, which
 *   also says online. Negative values (-1) mean unknown: speed and course 0, no accuracy/battery.
 * - `lwt` (the app lost its connection): status online = false. `transition`: accepted, not stored
 *   (the app sends a location with the same fix).
 * - Everything else (waypoints, cards, status, steps, cmd, request, arrays, `{}`, no `_type`) is
 *   accepted and ignored, as the Recorder does; an empty body too. `encrypted` is refused clearly.
 */
import { OWNTRACKS_CONNECTIONS, OWNTRACKS_ENCRYPTED_MESSAGE, type OwntracksReply } from '../../../shared/protocol/owntracks';
import { kmhToMs, msToKmh } from '../../../shared/units';
import type { StatusReport } from '../devices/device-status';
import { DomainError, badRequest } from '../errors';
import { parseDeviceTime } from './device-time';
import type { DeviceReport } from './report';
import { batteryPercent, normalBearing } from './wire-values';

export type OwntracksMessage = { kind: 'location' | 'lwt'; report: DeviceReport } | { kind: 'ignored'; type: string };

type Json = Record<string, unknown>;
const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const nonNegative = (v: unknown): number | undefined => {
  const n = finite(v);
  return n !== undefined && n >= 0 ? n : undefined;
};

function fromLocation(m: Json, serverTime: number): OwntracksMessage {
  for (const k of ['lat', 'lon'] as const) {
    if (m[k] === undefined || m[k] === null) throw badRequest(`${k} is missing`);
    if (finite(m[k]) === undefined) throw badRequest(`${k} must be a number`);
  }
  let deviceTime = serverTime;
  if (m.tst !== undefined) {
    const tst = finite(m.tst);
    if (tst === undefined) throw badRequest('tst must be a number (epoch seconds)');
    try {
      deviceTime = parseDeviceTime(tst);
    } catch (err) {
      throw err instanceof DomainError ? badRequest(`tst: ${err.message}`) : err;
    }
  }
  const vel = nonNegative(m.vel);
  const cog = nonNegative(m.cog);
  const report: DeviceReport = {
    positions: [
      {
        lat: m.lat as number,
        lng: m.lon as number,
        speed: vel === undefined ? 0 : kmhToMs(vel),
        bearing: cog === undefined ? 0 : normalBearing(cog),
        accuracy: nonNegative(m.acc) ?? null,
        altitude: finite(m.alt) ?? null,
        deviceTime,
        serverTime,
      },
    ],
  };
  const status: StatusReport = { online: true };
  const battery = batteryPercent(finite(m.batt));
  if (battery !== undefined) status.battery = battery;
  if (m.bs === 1) status.charging = false;
  else if (m.bs === 2 || m.bs === 3) status.charging = true;
  if (typeof m.conn === 'string' && m.conn in OWNTRACKS_CONNECTIONS) status.connection = OWNTRACKS_CONNECTIONS[m.conn as keyof typeof OWNTRACKS_CONNECTIONS];
  report.status = status;
  return { kind: 'location', report };
}

/** One POST body → what to do with it; throws BadRequest saying why it is refused. */
export function parseOwntracksBody(text: string, serverTime: number): OwntracksMessage {
  if (text.trim() === '') return { kind: 'ignored', type: 'empty body' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badRequest('the body is not valid JSON');
  }
  if (Array.isArray(json)) return { kind: 'ignored', type: 'array' };
  if (typeof json !== 'object' || json === null) throw badRequest('the body must be a JSON object (an OwnTracks message)');
  const m = json as Json;
  switch (m._type) {
    case 'location':
      return fromLocation(m, serverTime);
    case 'lwt':
      return { kind: 'lwt', report: { positions: [], status: { online: false } } };
    case 'encrypted':
      throw badRequest(OWNTRACKS_ENCRYPTED_MESSAGE);
    default:
      return { kind: 'ignored', type: typeof m._type === 'string' ? m._type : 'no _type' };
  }
}

/** Credentials of an `Authorization: Basic …` header, or null when there is none or it is malformed. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header) : null;
  if (!m) return null;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return null;
  return { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

const TID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Distinct 2-character tracker ids from user ids, the same for the same set of ids whoever asks:
 * ids are taken in sorted order, each gets the first free of its first two letters, its first
 * letter with each later letter, its first letter with any character, then any pair.
 */
export function assignTids(userIds: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const id of [...new Set(userIds)].sort()) {
    const chars = id.toLowerCase().replace(/[^a-z0-9]/g, '') || 'x';
    const first = chars[0] as string;
    const candidates = function* () {
      for (let i = 1; i < chars.length; i++) yield first + chars[i];
      for (const c of TID_ALPHABET) yield first + c;
      for (const a of TID_ALPHABET) for (const b of TID_ALPHABET) yield a + b;
    };
    for (const tid of candidates()) {
      if (!used.has(tid)) {
        used.add(tid);
        out.set(id, tid);
        break;
      }
    }
  }
  return out;
}

export interface Friend {
  user_id: string;
  name: string;
  latest: { lat: number; lng: number; speed: number; bearing: number; accuracy: number | null; altitude: number | null; device_time: number } | null;
}

/** The reply that shows a driver the other drivers of the company: a card and a location each. */
export function friendsReply(self: string, friends: readonly Friend[]): OwntracksReply {
  const tids = assignTids([self, ...friends.map((f) => f.user_id)]);
  const out: OwntracksReply = [];
  for (const f of friends) {
    if (f.user_id === self || !f.latest) continue;
    const tid = tids.get(f.user_id) as string;
    const topic = `owntracks/${f.user_id}/fleetdesk`;
    const p = f.latest;
    out.push({ _type: 'card', tid, name: f.name, topic });
    out.push({
      _type: 'location',
      tid,
      topic,
      lat: p.lat,
      lon: p.lng,
      tst: Math.floor(p.device_time / 1000),
      vel: Math.round(msToKmh(p.speed)),
      cog: Math.round(p.bearing) % 360,
      ...(p.accuracy === null ? {} : { acc: Math.round(p.accuracy) }),
      ...(p.altitude === null ? {} : { alt: Math.round(p.altitude) }),
    });
  }
  return out;
}
