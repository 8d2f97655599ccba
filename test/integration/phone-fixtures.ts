/** What the phone-app protocol tests share: a server with a company, drivers with keys, raw HTTP. */
import fs from 'node:fs';
import type { TrackingServerConfig } from '../../main/server/config';
import type { PositionRow } from '../../main/server/store/positions';
import { realworldPath } from '../support/realworld';
import { startTestServer, type TestServer } from '../support/server';

export const readSample = <T>(name: string): T => JSON.parse(fs.readFileSync(realworldPath(name), 'utf8')) as T;

export interface Phones {
  s: TestServer;
  company: string;
  adminToken: string;
  /** the OsmAnd port's base URL */
  osmandUrl: string;
  /** a new driver: its pk and device key */
  driver(id?: string): Promise<{ id: string; pk: number; key: string }>;
  stored(pk: number): PositionRow[];
  /** GET /api/v1/devices/:id/reception as the admin: the phone's clock and its dropped fixes by reason */
  reception(id: string): Promise<{ clock: { state: string; offset_ms: number }; dropped_total: number; dropped: { reason: string; count: number; last_message: string; last_source: string }[] }>;
}

/** reason → count of a reception's dropped fixes */
export const droppedByReason = (r: { dropped: { reason: string; count: number }[] }): Record<string, number> =>
  Object.fromEntries(r.dropped.map((d) => [d.reason, d.count]));

let serial = 0;

export async function startPhones(config: Partial<TrackingServerConfig> = {}): Promise<Phones> {
  const s = await startTestServer({ osmandPort: 0, ...config });
  const company = s.company('acme');
  await s.user(company, 'boss', 'admin');
  return {
    s,
    company,
    adminToken: s.token(company, 'boss'),
    osmandUrl: `http://127.0.0.1:${s.ctx.listening.osmandPort}`,
    driver: async (id = `driver-${++serial}`) => {
      await s.user(company, id, 'driver', { display_name: `Driver ${id}` });
      const row = s.ctx.users.get(company, id)!;
      return { id, pk: row.pk, key: row.device_key };
    },
    stored: (pk) => s.ctx.positions.range(pk, 0, Number.MAX_SAFE_INTEGER, 10_000),
    reception: async (id) => {
      const res = await s.api('GET', `/api/v1/devices/${encodeURIComponent(id)}/reception`, { token: s.token(company, 'boss') });
      if (res.status !== 200) throw new Error(`reception of ${id}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
  };
}

export interface Sent {
  status: number;
  text: string;
  body: any;
  headers: Headers;
}

/**
 * A raw request. `contentType: null` sends the body with no Content-Type at all (fetch adds
 * text/plain to string bodies, so the body goes as a Blob without a type).
 */
export async function send(method: string, url: string, opts: { body?: string; contentType?: string | null; headers?: Record<string, string> } = {}): Promise<Sent> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | Blob | undefined = opts.body;
  if (opts.body !== undefined) {
    // A Blob without a type goes without a Content-Type header.
    if (opts.contentType === null) body = new Blob([opts.body]);
    else headers['content-type'] = opts.contentType ?? 'application/x-www-form-urlencoded';
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, text, body: parsed, headers: res.headers };
}

/** A position row's stored fields that each adapter sets. */
export const fields = (r: PositionRow) => ({
  lat: r.lat,
  lng: r.lng,
  speed: r.speed,
  bearing: r.bearing,
  accuracy: r.accuracy,
  altitude: r.altitude,
  device_time: r.device_time,
  source: r.source,
});
