/**
 * Random and mutated inputs for the fuzz test (test/integration/fuzz.test.ts), built with
 * fast-check from valid messages of each protocol: a value replaced by a wrong type, a huge
 * number or a NaN string, a field removed or added, deep nesting, oversized and truncated text,
 * invalid UTF-8. Deterministic for a seed: `FLEETDESK_FUZZ_SEED=<n>` repeats a run.
 */
import fc from 'fast-check';

/** The run's seed: FLEETDESK_FUZZ_SEED, else a random one (printed by the test so it can be repeated). */
export function fuzzSeed(): number {
  const given = process.env.FLEETDESK_FUZZ_SEED;
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isSafeInteger(n)) throw new Error(`FLEETDESK_FUZZ_SEED must be an integer, not "${given}"`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** Milliseconds from an environment variable, else the default. */
export function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** Draws values of `arb` in batches, each batch seeded from the run's seed and its index. */
export class Draw<T> {
  private batch: T[] = [];
  private index = 0;
  constructor(
    private readonly arb: fc.Arbitrary<T>,
    private readonly seed: number,
    private readonly batchSize = 64,
  ) {}
  next(): T {
    if (this.batch.length === 0) this.batch = fc.sample(this.arb, { seed: this.seed + this.index++ * 7919, numRuns: this.batchSize });
    return this.batch.pop() as T;
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const nested = (depth: number, inner: Json = 1): Json => {
  let v: Json = inner;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** Values that break naive readers: wrong types, extremes, NaN-ish strings, deep and wide nesting. */
export const weirdValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MIN_VALUE,
    -1,
    'NaN',
    'Infinity',
    '-Infinity',
    '1e999',
    '',
    ' ',
    '0x10',
    '٣',
    '\u0000',
    '\ud800',
    [],
    {},
    { __proto__: { polluted: true } } as Json,
    { constructor: { prototype: { x: 1 } } },
    '2024-13-45T99:99:99Z',
    '9'.repeat(400),
  ),
  fc.double().map((d) => (Number.isFinite(d) ? d : String(d))),
  fc.integer(),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.integer({ min: 50, max: 3000 }).map((d) => nested(d)),
  fc.integer({ min: 1000, max: 80_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 100, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
);

type Path = (string | number)[];

function pathsOf(v: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) pathsOf(v[k] as Json, [...prefix, k], out);
  return out;
}

type Mutation = { op: 'set' | 'delete' | 'add'; path: Path; value: Json; key: string };

function apply(base: Json, mutations: Mutation[]): Json {
  let root = structuredClone(base);
  for (const m of mutations) {
    if (m.path.length === 0) {
      if (m.op === 'set') root = m.value;
      continue;
    }
    let parent = root as Record<string | number, Json>;
    for (const k of m.path.slice(0, -1)) {
      const next = (parent as Record<string | number, Json>)?.[k];
      if (next === null || typeof next !== 'object') {
        parent = null as never;
        break;
      }
      parent = next as Record<string | number, Json>;
    }
    if (parent === null || typeof parent !== 'object') continue;
    const last = m.path[m.path.length - 1] as string | number;
    if (m.op === 'set') parent[last] = m.value;
    else if (m.op === 'delete') delete parent[last];
    else if (!Array.isArray(parent)) parent[m.key] = m.value;
  }
  return root;
}

/** One to three mutations of a valid message (its values, fields and shape). */
export function mutated(base: Json): fc.Arbitrary<Json> {
  const paths = pathsOf(base);
  const mutation = fc.record({
    op: fc.constantFrom<'set' | 'delete' | 'add'>('set', 'set', 'delete', 'add'),
    path: fc.constantFrom(...paths),
    value: weirdValue,
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'seq', 'payload', 'id', 'lat')),
  });
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => apply(base, ms));
}

/** Text mangling after serialisation: truncated, raw non-JSON numbers, stray bytes. */
export const mangledText = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(text) },
    fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n)),
    fc.constantFrom('NaN', '1e999', '-', '0x1F', 'undefined', '"\\ud800"', '9'.repeat(500)).map((raw) => text.replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/i, raw)),
    fc.string({ maxLength: 8, unit: 'binary' }).map((s) => text + s),
    fc.constant(text.replaceAll('"', "'")),
  );

/** A frame for the Tracking API: text (maybe not JSON) or a binary frame, maybe invalid UTF-8. */
export type WsFrame = { data: string | Buffer; binary: boolean; label: string };

const invalidUtf8 = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.concat([Buffer.from('{"action":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(b)]));

export function wsFrames(messages: object[]): fc.Arbitrary<WsFrame> {
  const valid = messages as Json[];
  const fromValid = fc.constantFrom(...valid).chain((v) => mutated(v).chain((m) => mangledText(JSON.stringify(m) ?? 'null')));
  return fc.oneof(
    { weight: 8, arbitrary: fromValid.map((data) => ({ data, binary: false, label: 'mutated' })) },
    { weight: 2, arbitrary: fc.constantFrom(...valid).map((v) => ({ data: JSON.stringify(v), binary: false, label: 'valid' })) },
    fc.string({ maxLength: 200, unit: 'binary' }).map((data) => ({ data, binary: false, label: 'random text' })),
    fc.integer({ min: 1000, max: 30_000 }).map((d) => ({ data: `{"action":"driver_location","payload":${'['.repeat(d)}${']'.repeat(d)}}`, binary: false, label: 'deep nesting' })),
    fc.integer({ min: 64 * 1024, max: 200 * 1024 }).map((n) => ({ data: JSON.stringify({ action: 'heartbeat', id: 'x', payload: { app: 'x'.repeat(n) } }), binary: false, label: 'oversized' })),
    invalidUtf8.map((data) => ({ data, binary: true, label: 'binary' })),
    invalidUtf8.map((data) => ({ data, binary: false, label: 'invalid utf-8 text' })),
  );
}

/** An HTTP request to throw at the server. */
export interface FuzzRequest {
  method: string;
  url: string;
  body?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
  label: string;
}

/** encodeURIComponent of any string (a lone surrogate becomes U+FFFD instead of throwing). */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const enc = (s: string) => encodeURIComponent(wellFormed(s));

const queryOf = (o: Json): string => {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return enc(JSON.stringify(o) ?? '');
  return Object.entries(o)
    .map(([k, v]) => `${enc(k)}=${enc(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`)
    .join('&');
};

/** Raw query-string noise: percent-escapes that do not decode, repeated keys, odd separators. */
const rawQuery = fc.oneof(
  fc.string({ maxLength: 120, unit: 'binary' }).map((s) => encodeURI(wellFormed(s))),
  fc.constantFrom('%', '%zz', '%E0%A4%A', 'a=%ff%fe', '&&&=&=', 'lat=1&lat=2&lat=x', 'id[]=1&id[a]=2', '?=?', 'limit=-1&after=NaN', 'limit=1e999&cursor=%00'),
);

export function phoneRequests(o: { base: string; osmandBase: string; key: string; userId: string; driverToken: string }): fc.Arbitrary<FuzzRequest> {
  const osmand = { id: o.key, lat: 50.1, lon: 8.6, timestamp: 1_700_000_000, speed: 10, bearing: 90, altitude: 100, accuracy: 5, batt: 80 };
  const traccarJson = { device_id: o.key, location: { timestamp: '2024-05-01T10:20:30Z', coords: { latitude: 50.1, longitude: 8.6, speed: 3, heading: 90, accuracy: 5, altitude: 100 }, is_moving: true, battery: { level: 0.5, is_charging: false } } };
  const owntracks = { _type: 'location', lat: 50.1, lon: 8.6, tst: 1_700_000_000, vel: 30, cog: 90, acc: 5, alt: 100, batt: 70, tid: 'ab' };
  const gpslogger = { key: o.key, lat: 50.1, lon: 8.6, timestamp: 1_700_000_000, spd: 2.5, dir: 90, acc: 5, alt: 100, batt: 70 };
  const fallback = { action: 'driver_location', id: o.userId, payload: { lat: 50.1, lng: 8.6, speed: 30, bearing: 90 }, time_stamp: 1_700_000_000 };
  const basic = `Basic ${Buffer.from(`${o.userId}:${o.key}`).toString('base64')}`;
  const text = (v: Json) => mutated(v).chain((m) => mangledText(JSON.stringify(m) ?? 'null'));
  return fc.oneof(
    mutated(osmand).map((m) => ({ method: 'GET', url: `${o.osmandBase}/?${queryOf(m)}`, label: 'osmand query' })),
    mutated(osmand).map((m) => ({ method: 'POST', url: `${o.osmandBase}/`, body: queryOf(m), contentType: 'application/x-www-form-urlencoded', label: 'osmand body' })),
    rawQuery.map((q) => ({ method: 'GET', url: `${o.base}/osmand?${q}`, label: 'osmand raw query' })),
    text(traccarJson).map((body) => ({ method: 'POST', url: `${o.osmandBase}/`, body, contentType: 'application/json', label: 'traccar json' })),
    text([traccarJson, traccarJson] as Json).map((body) => ({ method: 'POST', url: `${o.base}/osmand`, body, contentType: null, label: 'traccar json array' })),
    text(owntracks).map((body) => ({ method: 'POST', url: `${o.base}/owntracks`, body, contentType: 'application/json', headers: { authorization: basic }, label: 'owntracks' })),
    text(owntracks).map((body) => ({ method: 'POST', url: `${o.base}/owntracks`, body, contentType: null, headers: { 'x-limit-u': o.userId, 'x-limit-d': o.key }, label: 'owntracks headers' })),
    mutated(gpslogger).map((m) => ({ method: 'GET', url: `${o.base}/gpslogger?${queryOf(m)}`, label: 'gpslogger query' })),
    mutated(gpslogger).map((m) => ({ method: 'POST', url: `${o.base}/gpslogger`, body: queryOf(m), contentType: null, label: 'gpslogger body' })),
    text(gpslogger).map((body) => ({ method: 'POST', url: `${o.base}/gpslogger?key=${o.key}`, body, contentType: 'application/json', label: 'gpslogger json' })),
    text(fallback).map((body) => ({ method: 'POST', url: `${o.base}/v1/driver/location`, body, contentType: 'application/json', headers: { authorization: `Bearer ${o.driverToken}` }, label: 'http fallback' })),
  );
}

/** REST paths that read or change only the fuzzing company's own data (never send anything out). */
const REST: [string, string][] = [
  ['GET', '/api/v1/devices'],
  ['GET', '/api/v1/devices/{id}'],
  ['PATCH', '/api/v1/devices/{id}'],
  ['GET', '/api/v1/devices/{id}/positions'],
  ['GET', '/api/v1/devices/{id}/trips'],
  ['GET', '/api/v1/devices/{id}/reception'],
  ['GET', '/api/v1/positions/latest'],
  ['GET', '/api/v1/users'],
  ['POST', '/api/v1/users'],
  ['PATCH', '/api/v1/users/{id}'],
  ['GET', '/api/v1/alerts'],
  ['GET', '/api/v1/alerts/{id}'],
  ['POST', '/api/v1/alerts/{id}/resolve'],
  ['GET', '/api/v1/accidents'],
  ['GET', '/api/v1/events'],
  ['GET', '/api/v1/tracks/rich/{id}'],
  ['GET', '/api/v1/tracks/incoming/{id}/export'],
  ['GET', '/api/v1/companies/{id}/trip-settings'],
  ['PATCH', '/api/v1/companies/{id}/trip-settings'],
  ['GET', '/api/v1/shares'],
  ['POST', '/api/v1/shares'],
  ['PATCH', '/api/v1/shares/{id}'],
  ['GET', '/api/v1/deliveries'],
  ['POST', '/api/v1/auth/login'],
  ['POST', '/api/v1/driver/session'],
  ['GET', '/api/v1/unknown-devices'],
  ['POST', '/api/v1/unknown-devices/expected'],
  ['PATCH', '/api/v1/companies/{id}'],
];

export function restRequests(o: { base: string; token: string; company: string; driverId: string }): fc.Arbitrary<FuzzRequest> {
  const bodyBase: Json = { name: 'x', display_name: 'Van', user_id: 'u1', role: 'driver', device_id: o.driverId, expires_at: '2030-01-01T00:00:00Z', speed_limit_kmh: 90, company: o.company, password: 'secret pass' };
  const id = fc.oneof(fc.constantFrom(o.driverId, o.company, '1', '0', '-1', '99999999999999999999', 'NaN', '..%2F..', '%00', 'ü'), fc.string({ maxLength: 20 }).map(enc));
  return fc
    .record({
      route: fc.constantFrom(...REST),
      id,
      query: fc.oneof(rawQuery, fc.dictionary(fc.constantFrom('from', 'to', 'limit', 'cursor', 'after', 'state', 'status', 'format', 'device_id'), weirdValue, { maxKeys: 3 }).map((d) => queryOf(d))),
      body: fc.oneof(mutated(bodyBase).chain((m) => mangledText(JSON.stringify(m) ?? 'null')), fc.string({ maxLength: 50 })),
      contentType: fc.constantFrom<string | null>('application/json', 'application/json', 'text/plain', null, 'application/json; charset=utf-16'),
    })
    .map(({ route: [method, path], id: i, query, body, contentType }) => ({
      method,
      url: `${o.base}${path.replace('{id}', path.includes('/companies/') ? o.company : i)}?${query}`,
      body: method === 'GET' ? undefined : body,
      contentType: method === 'GET' ? undefined : contentType,
      headers: { authorization: `Bearer ${o.token}` },
      label: `${method} ${path}`,
    }));
}
