/**
 * Company isolation, generated from the OpenAPI document (issue 11, item 8): two companies on
 * one real server, company A with every kind of record there is (devices with positions, a
 * trip, SOS and crash alerts with an accident, an API key, a replaced key and a declared
 * identifier in its unknown devices, enrolment and sign-in links). Every operation of
 * /api/v1/openapi.json is then either probed or skipped with a reason — a new route that is
 * neither fails this test:
 *  - an operation with path parameters is called as company B's admin, office user, driver (and
 *    API key where the operation takes one) with each of A's real ids: a refusal (403/404), no
 *    A data in the answer, and A's data unchanged when re-read as A's admin; then the same calls
 *    as A's admin succeed, so B was refused for the company and not for a bad id or body;
 *  - every GET without path parameters (the lists) answers B without any of A's ids or data;
 *  - query parameters that name an id (`?device=`) and body fields that do are tried with A's.
 * Then every action of the WebSocket Tracking API is tried by B's office user and driver with
 * A's ids: refused (Forbidden/Unauthorized), nothing stored in A, and no update of A ever
 * reaches B while A's drivers report.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { API_KEY_HEADER } from '../../shared/api/api-keys';
import { ACTIONS, COMPANY_DRIVERS, type Action } from '../../shared/protocol/tracking';
import { createLoginLink } from '../../main/server/login-links';
import { startTestServer, type TestServer } from '../support/server';
import { Trace } from '../support/synthetic-trips';
import { TestSocket } from '../support/ws-client';

const A = 'acme';
const B = 'globex';
/** Every position of company A is near here: its latitudes all start with A_LAT. */
const A_AT = { lat: -33.92, lng: 18.42 };
const A_LAT = '-33.9';
const B_AT = { lat: 48.137, lng: 11.575 };
const B_LAT = '48.1';
/** A's ids are unique to A (a shared id resolves to the caller's own, see rest-isolation.test.ts) … */
const A_ADMIN = 'acme-admin';
const A_OFFICE = 'acme-office';
const A_DRIVERS = ['acme-dr-1', 'acme-dr-2', 'acme-dr-3'];
/** … except this driver id, which both companies have. */
const SHARED = 'shared-van';
const B_ADMIN = 'globex-admin';
const B_OFFICE = 'globex-office';
const B_DRIVER = 'globex-dr-1';
const EXPECTED_ID = 'acmeDeclaredPhone-7f3a9c21e8b4';

let s: TestServer;
let doc: any;

/** A's real ids by the path segment that precedes a path parameter. */
const aIds: Record<string, string[]> = {};
/** Strings only company A's users may ever see (ids, names, keys, codes, record ids). */
const aMarkers: string[] = [A_LAT];
let bApiKey = '';
let bRetiredKey = '';

const token = (company: string, user: string) => s.token(company, user);
const bearerOf = (company: string, user: string) => ({ authorization: `Bearer ${token(company, user)}` });

async function ok(method: string, path: string, body?: unknown, company = A, user = A_ADMIN): Promise<any> {
  const res = await s.api(method, path, { token: token(company, user), body });
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} as ${company}/${user}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function until<T>(what: string, f: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`waited in vain for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function osmand(query: Record<string, string | number>): Promise<number> {
  const u = new URL(`${s.url}/osmand`);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
  const res = await fetch(u);
  await res.arrayBuffer();
  return res.status;
}

async function httpFix(company: string, driver: string, at: { lat: number; lng: number }, ageMs: number): Promise<void> {
  await ok('POST', '/v1/driver/location', { id: driver, payload: { lat: at.lat, lng: at.lng, speed: 20, bearing: 45, timestamp: new Date(Date.now() - ageMs).toISOString() } }, company, driver);
}

/** A socket that keeps every message it received (TestSocket hands matched ones to their waiter only). */
class Probe {
  readonly all: any[] = [];
  private readonly sent: string[] = [];
  private constructor(readonly sock: TestSocket) {
    sock.ws.on('message', (data) => this.all.push(JSON.parse(data.toString())));
  }

  static async open(company?: string, user?: string, role?: 'driver' | 'office' | 'admin'): Promise<Probe> {
    const p = new Probe(await TestSocket.open(s.wsUrl));
    sockets.push(p.sock);
    if (company && user && role) assert.equal((await p.sock.authenticate(user, role, token(company, user))).type, 'authenticated');
    return p;
  }

  send(msg: unknown): void {
    this.sent.push(JSON.stringify(msg));
    this.sock.send(msg);
  }

  /** A's markers in what this socket received: an error may echo what it was sent, nothing else may hold any. */
  leaks(): string[] {
    const sent = this.sent.join('\n');
    return [...new Set(this.all.flatMap((m) => leaks(m, m.type === 'error' ? sent : '')))];
  }

  next(match: (m: any) => boolean, timeoutMs?: number): Promise<any> {
    return this.sock.next(match, timeoutMs);
  }

  /** The reply to a message carrying `seq`, or the next reply of its kind without one. */
  reply(seq?: number): Promise<any> {
    return this.sock.next((m) => (m.type === 'error' || m.type === 'ack' || m.type === 'subscribed' || m.type === 'unsubscribed' || m.type === 'authenticated') && (seq === undefined || m.seq === seq));
  }

  text(): string {
    return JSON.stringify(this.all);
  }
}
const sockets: TestSocket[] = [];

// ---------------------------------------------------------------------------------------------
// Set-up: two companies, and company A with one of everything.

async function sendTrip(driver: string, trace: Trace): Promise<void> {
  const p = await Probe.open(A, driver, 'driver');
  const fixes = trace.fixes;
  for (let i = 0, seq = 1; i < fixes.length; i += 200, seq++) {
    const positions = fixes.slice(i, i + 200).map((f) => ({ lat: f.lat, lng: f.lng, speed: f.speed * 3.6, bearing: f.bearing, accuracy: 5, timestamp: f.t }));
    p.send({ action: 'location_batch', id: driver, seq, payload: { positions } });
    assert.deepEqual(await p.reply(seq), { type: 'ack', seq });
  }
  p.sock.ws.terminate();
  await s.ctx.trips.idle();
}

before(async () => {
  s = await startTestServer({ ws: { minUpdateIntervalMs: 0 }, login: { maxPhoneFailures: 1000 } });
  s.company(A, 'Acme Freight Ltd');
  s.company(B, 'Globex Logistics');
  await s.user(A, A_ADMIN, 'admin', { display_name: 'Acme Boss' });
  await s.user(A, A_OFFICE, 'office', { display_name: 'Acme Dispatcher' });
  for (const [i, id] of A_DRIVERS.entries()) await s.user(A, id, 'driver', { display_name: `Acme Truck ${i + 1}`, phone: `+27 21 555 010${i}`, vehicle_plate: `CA ${i}77-ACME` });
  await s.user(A, SHARED, 'driver', { display_name: 'Acme Shared Van' });
  await s.user(B, B_ADMIN, 'admin');
  await s.user(B, B_OFFICE, 'office');
  await s.user(B, B_DRIVER, 'driver', { display_name: 'Globex Truck' });
  await s.user(B, SHARED, 'driver', { display_name: 'Globex Shared Van' });

  // A trip of acme-dr-1, three hours ago.
  await sendTrip(A_DRIVERS[0]!, new Trace(A_AT, Date.now() - 3 * 3600_000).stand(120).accelerate(15, 2).drive(240, 15).accelerate(0, -2.5).stand(400));
  const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const to = new Date(Date.now() + 86_400_000).toISOString();
  const trips = await ok('GET', `/api/v1/devices/${A_DRIVERS[0]}/trips?from=${from}&to=${to}`);
  assert.ok(trips.length >= 1, 'the drive became a trip');
  const rich: string[] = trips.filter((t: any) => t.kind === 'rich').map((t: any) => t.id);
  const incoming: string[] = trips.flatMap((t: any) => t.incoming_ids);
  assert.ok(rich.length >= 1 && incoming.length >= 1, JSON.stringify(trips));
  aIds.rich = rich;
  aIds.incoming = incoming;

  // Recent positions (HTTP fallback), a device status and a crash with its buffer (WebSocket).
  for (const id of [...A_DRIVERS, SHARED]) await httpFix(A, id, A_AT, 60_000);
  const t0 = Date.now() - 5 * 60_000;
  const crash = await Probe.open(A, A_DRIVERS[2]!, 'driver');
  crash.send({ action: 'heartbeat', id: A_DRIVERS[2], seq: 1, payload: { battery: 77, app: 'AcmeTrackerApp 2.1', connection: 'mobile' } });
  assert.equal((await crash.reply(1)).type, 'ack');
  const buffer = Array.from({ length: 31 }, (_, i) => ({ lat: A_AT.lat + i * 0.0001, lng: A_AT.lng, speed: i < 25 ? 50 : 0, bearing: 0, accuracy: 5, timestamp: t0 - (30 - i) * 1000 }));
  const motion = [{ t: t0 - 100, x: 0.1, y: 9.8, z: 0.2 }, { t: t0, x: 40, y: 55, z: 3 }, { t: t0 + 100, x: 0.3, y: 9.7, z: 0.1 }];
  crash.send({ action: 'alert', id: A_DRIVERS[2], seq: 2, payload: { kind: 'crash', timestamp: t0, peak_g: 6.9, threshold_g: 4, motion, positions: buffer } });
  assert.deepEqual(await crash.reply(2), { type: 'ack', seq: 2 });
  crash.sock.ws.terminate();

  // An SOS over OsmAnd, then acme-dr-2's key is replaced and its phone reports with the old one.
  const dr2 = s.ctx.users.get(A, A_DRIVERS[1]!)!;
  const oldKey = dr2.device_key;
  assert.equal(await osmand({ id: oldKey, lat: A_AT.lat - 0.001, lon: A_AT.lng, timestamp: Math.floor(Date.now() / 1000) - 30, alarm: 'sos' }), 200);
  await ok('POST', `/api/v1/devices/${A_DRIVERS[1]}/key/rotate`);
  assert.equal(await osmand({ id: oldKey, lat: A_AT.lat - 0.002, lon: A_AT.lng, timestamp: Math.floor(Date.now() / 1000) - 20 }), 401);
  // An identifier A declared in advance, and its phone reporting (ready to adopt).
  await ok('POST', '/api/v1/unknown-devices/expected', { identifier: EXPECTED_ID, note: 'Acme spare phone' });
  assert.equal(await osmand({ id: EXPECTED_ID, lat: A_AT.lat - 0.003, lon: A_AT.lng, timestamp: Math.floor(Date.now() / 1000) - 10 }), 404);
  const unknown = await ok('GET', '/api/v1/unknown-devices');
  assert.deepEqual(unknown.map((u: any) => [u.identifier, u.kind]).sort(), [[EXPECTED_ID, 'expected'], [oldKey, 'retired']].sort());

  const alerts = await ok('GET', '/api/v1/alerts');
  assert.equal(alerts.length, 2, JSON.stringify(alerts));
  const crashAlert = await until('the crash alert with its accident', async () => {
    const a = ((await ok('GET', '/api/v1/alerts')) as any[]).find((x) => x.kind === 'crash');
    return a?.accident_id ? a : null;
  });
  await until('the accident buffer', async () => (await ok('GET', `/api/v1/accidents/${crashAlert.accident_id}`)).extra_received_at);
  aIds.alerts = alerts.map((a: any) => String(a.id));
  aIds.accidents = [crashAlert.accident_id];

  const key = await ok('POST', '/api/v1/api-keys', { name: 'Acme backend' });
  aIds['api-keys'] = [String(key.id)];
  // Live location shares: several, since completing, cancelling and changing each need an open one.
  aIds.shares = [];
  for (let i = 0; i < 4; i++) aIds.shares.push((await ok('POST', '/api/v1/shares', { device_id: A_DRIVERS[0], recipient_name: 'Acme customer', destination: { latitude: A_AT.lat, longitude: A_AT.lng } })).id);
  // Notification destinations (off: nothing to deliver to), two since one gets deleted.
  aIds.destinations = [];
  for (let i = 0; i < 2; i++) aIds.destinations.push((await ok('POST', '/api/v1/destinations', { name: `Acme backend hook ${i}`, provider: 'webhook', settings: { url: 'https://hooks.acme.example/fleet' }, enabled: false })).id);
  const enrol = await ok('POST', `/api/v1/devices/${A_DRIVERS[0]}/enrolment`, {});
  const login = createLoginLink(s.ctx.accounts, A, A_OFFICE);

  aIds.companies = [A];
  aIds.devices = [...A_DRIVERS];
  aIds.users = [A_ADMIN, A_OFFICE, ...A_DRIVERS];
  aIds['unknown-devices'] = [oldKey, EXPECTED_ID];
  aMarkers.push(
    A,
    'Acme',
    'ACME',
    ...aIds.users,
    ...rich,
    ...incoming,
    crashAlert.accident_id,
    ...aIds.shares,
    ...aIds.destinations,
    'hooks.acme.example',
    oldKey,
    EXPECTED_ID,
    ...A_DRIVERS.map((id) => s.ctx.users.get(A, id)!.device_key),
    s.ctx.users.get(A, SHARED)!.device_key,
    key.key,
    key.prefix,
    enrol.code,
    login.code,
    '+27 21 555',
  );

  // Company B has data of its own, so that its lists are not trivially empty.
  await httpFix(B, B_DRIVER, B_AT, 60_000);
  await httpFix(B, SHARED, B_AT, 60_000);
  const bDriver = s.ctx.users.get(B, B_DRIVER)!;
  assert.equal(await osmand({ id: bDriver.device_key, lat: B_AT.lat, lon: B_AT.lng, timestamp: Math.floor(Date.now() / 1000) - 30, alarm: 'sos' }), 200);
  bRetiredKey = bDriver.device_key;
  await ok('POST', `/api/v1/devices/${B_DRIVER}/key/rotate`, undefined, B, B_ADMIN);
  assert.equal(await osmand({ id: bRetiredKey, lat: B_AT.lat, lon: B_AT.lng, timestamp: Math.floor(Date.now() / 1000) - 20 }), 401);
  bApiKey = (await ok('POST', '/api/v1/api-keys', { name: 'Globex backend' }, B, B_ADMIN)).key;

  doc = (await s.api('GET', '/api/v1/openapi.json')).body;
  assert.ok(doc?.paths, 'the OpenAPI document');
});

after(async () => {
  for (const sock of sockets) sock.ws.terminate();
  await s.stop();
  fs.rmSync(s.dataDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// The OpenAPI document: operations, parameters, sample values.

interface Operation {
  /** "GET /api/v1/devices/{id}" */
  key: string;
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; required: boolean; schema: any }[];
  body: any | null;
  apiKey: boolean;
  secured: boolean;
}

function operations(): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params: any[] = [...(item.parameters ?? []), ...(op.parameters ?? [])];
      const security: Record<string, string[]>[] = op.security ?? doc.security ?? [];
      out.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} })),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
        apiKey: security.some((s) => 'apiKey' in s),
        secured: security.length > 0,
      });
    }
  }
  return out;
}

function deref(schema: any): any {
  let s = schema ?? {};
  while (typeof s.$ref === 'string') {
    const parts = (s.$ref as string).replace(/^#\//, '').split('/');
    s = parts.reduce((o: any, k) => o?.[k], doc);
    assert.ok(s, `unresolved $ref ${schema.$ref}`);
  }
  return s;
}

/** A minimal valid value: required properties (or, when none is required, the first one) with simple values. */
function sample(schema: any): unknown {
  const sc = deref(schema);
  if ('const' in sc) return sc.const;
  if (Array.isArray(sc.enum)) return sc.enum[0];
  const alternatives = sc.anyOf ?? sc.oneOf;
  if (alternatives) return sample(alternatives.find((a: any) => deref(a).type !== 'null') ?? alternatives[0]);
  if (sc.allOf) return Object.assign({}, ...sc.allOf.map(sample));
  if (sc.default !== undefined) return sc.default;
  const type = Array.isArray(sc.type) ? sc.type.find((t: string) => t !== 'null') : (sc.type ?? (sc.properties ? 'object' : undefined));
  switch (type) {
    case 'string': {
      if (sc.format === 'uuid') return crypto.randomUUID();
      if (sc.format === 'date-time') return new Date().toISOString();
      let v = 'probe';
      while (v.length < (sc.minLength ?? 0)) v += 'x';
      if (sc.maxLength !== undefined) v = v.slice(0, sc.maxLength);
      if (sc.pattern) assert.match(v, new RegExp(sc.pattern), 'no sample value for this pattern: special-case the operation');
      return v;
    }
    case 'integer':
    case 'number': {
      const v = sc.minimum ?? (sc.exclusiveMinimum !== undefined ? sc.exclusiveMinimum + 1 : 1);
      return sc.maximum !== undefined ? Math.min(v, sc.maximum) : v;
    }
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: sc.minItems ?? 0 }, () => sample(sc.items));
    case 'object': {
      const props = sc.properties ?? {};
      const keys: string[] = sc.required?.length ? sc.required : Object.keys(props).slice(0, 1);
      return Object.fromEntries(keys.map((k) => [k, sample(props[k])]));
    }
    default:
      throw new Error(`no sample value for ${JSON.stringify(sc).slice(0, 200)}`);
  }
}

/** A's real ids for a path parameter, by the resource segment before it. */
function idsFor(path: string, param: string): string[] {
  const segs = path.split('/');
  const resource = segs[segs.indexOf(`{${param}}`) - 1] as string;
  const ids = aIds[resource];
  assert.ok(ids && ids.length > 0, `${path}: no ids of company A for {${param}} (resource "${resource}"): create one in before() and list it in aIds`);
  return ids;
}

/** Every combination of A's ids for the operation's path parameters, as concrete paths. */
function pathsWithAIds(op: Operation): string[] {
  let paths = [op.path];
  for (const p of op.pathParams) paths = paths.flatMap((x) => idsFor(op.path, p).map((id) => x.replace(`{${p}}`, encodeURIComponent(id))));
  return paths;
}

/** Query parameters: the ones that name an id get A's ids; the others are classified here. */
const QUERY_IDS: Record<string, () => string[]> = { device: () => [...A_DRIVERS], device_id: () => [...A_DRIVERS], destination: () => [...aIds.destinations!] };
const QUERY_NOT_IDS: Record<string, string> = {
  from: 'a time',
  to: 'a time',
  since: 'a time',
  limit: 'a page size',
  cursor: "a device time of the caller's own page, encoded",
  after: "an event id: the log is read within the caller's company",
  role: 'a role filter',
  open: 'a state filter',
  state: 'a state filter',
  removed: 'a flag',
  format: 'an export format',
  status: 'a state filter',
  order_id: "the caller's own order reference, matched within its company",
  event: 'an event type filter',
  before: "a delivery id: the log is read within the caller's company",
};

function withRequiredQuery(op: Operation, path: string): string {
  const q = new URLSearchParams();
  for (const p of op.query) if (p.required) q.set(p.name, String(sample(p.schema)));
  return q.toString() ? `${path}?${q}` : path;
}

// ---------------------------------------------------------------------------------------------
// What is probed how, and what is skipped (with the reason).

/** Operations without path parameters whose body names an id: the field gets each of A's ids. */
const BODY_ID_PROBES: Record<string, { field: string; ids: () => string[]; refusals: number[] }> = {
  'POST /v1/driver/location': { field: 'id', ids: () => [...A_DRIVERS], refusals: [403] },
  'POST /api/v1/shares': { field: 'device_id', ids: () => [...A_DRIVERS], refusals: [403, 404] },
  'POST /api/v1/deliveries/redeliver': { field: 'destination', ids: () => [...aIds.destinations!], refusals: [403, 404] },
  // 409: "already a device key, or was one" / "already declared" — the identifier itself is the (strong) secret.
  'POST /api/v1/unknown-devices/expected': { field: 'identifier', ids: () => [...aIds['unknown-devices']!, ...A_DRIVERS.map((id) => s.ctx.users.get(A, id)!.device_key)], refusals: [403, 404, 409] },
};

const SKIPPED: Record<string, string> = {
  'POST /api/v1/auth/login': 'takes no id of another company: the password is the proof (auth-login.test.ts)',
  'POST /api/v1/auth/link': 'the one-time code is the credential; it names no company (login-link.test.ts)',
  'POST /api/v1/driver/enrol': 'the one-time enrolment code is the credential; it names no company',
  'POST /api/v1/driver/session': 'the device key is the credential; it names exactly one driver (device-keys.test.ts)',
  'POST /api/v1/users': "user ids are per company: B may create its own user with an id A uses, A's stays untouched (rest-isolation.test.ts)",
  'POST /api/v1/api-keys': "takes no id: the key is created in the caller's company",
  'POST /api/v1/destinations': "its `devices` list is checked against the caller's company: another company's device id is refused (notify-webhook.test.ts)",
  'GET /osmand': 'phone route: the device key is the only credential (osmand.test.ts, unknown-devices.test.ts)',
  'POST /osmand': 'phone route: the device key is the only credential (osmand.test.ts, unknown-devices.test.ts)',
  'POST /owntracks': "phone route: the device key is the only credential (owntracks.test.ts); its friends reply is checked by the 'OwnTracks friends' test below",
  'GET /gpslogger': 'phone route: the device key is the only credential (gpslogger.test.ts)',
  'POST /gpslogger': 'phone route: the device key is the only credential (gpslogger.test.ts)',
};

type Kind = 'path' | 'list' | 'body' | 'skipped';
function kindOf(op: Operation): Kind | null {
  if (SKIPPED[op.key]) return 'skipped';
  if (op.pathParams.length > 0) return 'path';
  if (BODY_ID_PROBES[op.key]) return 'body';
  if (op.method === 'GET') return 'list';
  return null;
}

interface Caller {
  name: string;
  headers: Record<string, string>;
}
function callersFor(op: Operation): Caller[] {
  const list: Caller[] = [
    { name: "B's admin", headers: bearerOf(B, B_ADMIN) },
    { name: "B's office user", headers: bearerOf(B, B_OFFICE) },
    { name: "B's driver", headers: bearerOf(B, B_DRIVER) },
  ];
  if (op.apiKey) list.push({ name: "B's API key", headers: { [API_KEY_HEADER]: bApiKey } });
  if (!op.secured) list.push({ name: 'anonymous', headers: {} });
  return list;
}

/** A's markers in `answer` that the request did not itself carry (a 404 may echo the id asked for). */
function leaks(answer: unknown, request: string): string[] {
  const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
  return aMarkers.filter((m) => text.includes(m) && !request.includes(m));
}

/** Bodies the schema sample cannot make valid (a URL field checked beyond its schema). */
const BODY_OVERRIDES: Record<string, unknown> = {
  'PATCH /api/v1/companies/{id}/share-settings': { detour_factor: 1.3 },
  'PATCH /api/v1/destinations/{id}': { name: 'Acme backend hook renamed' },
  'POST /api/v1/deliveries/redeliver': { all: true },
};

function bodyFor(op: Operation): unknown {
  if (op.key in BODY_OVERRIDES) return BODY_OVERRIDES[op.key];
  return op.body ? sample(op.body) : undefined;
}

/** The reception window and the server's uptime move with the clock. */
const VOLATILE = ['since', 'uptime_s'];

/** Everything A's admin can read, by URL: compared before and after B's attempts. */
async function readAllAsA(): Promise<Map<string, { status: number; body: unknown }>> {
  const out = new Map<string, { status: number; body: unknown }>();
  for (const op of operations()) {
    if (op.method !== 'GET' || SKIPPED[op.key]) continue;
    for (const path of op.pathParams.length > 0 ? pathsWithAIds(op) : [op.path]) {
      const url = withRequiredQuery(op, path);
      const res = await s.api('GET', url, { token: token(A, A_ADMIN) });
      // fields that move with the clock alone
      if (res.body && typeof res.body === 'object') for (const k of VOLATILE) delete (res.body as Record<string, unknown>)[k];
      out.set(url, { status: res.status, body: res.body });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// REST

test('every operation of the OpenAPI document is probed or skipped with a reason', () => {
  const ops = operations();
  assert.ok(ops.length > 40, `${ops.length} operations`);
  const uncovered = ops.filter((op) => kindOf(op) === null).map((op) => op.key);
  assert.deepEqual(uncovered, [], 'operations neither probed for company isolation nor skipped with a reason: add them to BODY_ID_PROBES or SKIPPED');
  const keys = new Set(ops.map((o) => o.key));
  const stale = [...Object.keys(SKIPPED), ...Object.keys(BODY_ID_PROBES)].filter((k) => !keys.has(k));
  assert.deepEqual(stale, [], 'listed operations the document no longer has');
  // path parameters of known resources only, and query parameters classified
  for (const op of ops) if (kindOf(op) === 'path') for (const p of op.pathParams) idsFor(op.path, p);
  const unclassified = ops.flatMap((op) => op.query.filter((q) => !QUERY_IDS[q.name] && !QUERY_NOT_IDS[q.name]).map((q) => `${op.key} ?${q.name}`));
  assert.deepEqual(unclassified, [], 'query parameters that may name an id: add them to QUERY_IDS or QUERY_NOT_IDS');
});

test("B is refused on every operation with path parameters when given A's ids, sees none of A's data, and changes nothing", async (t) => {
  const before_ = await readAllAsA();
  for (const [url, r] of before_) assert.equal(r.status, 200, `A's admin reads ${url}: ${JSON.stringify(r.body)}`);

  const failures: string[] = [];
  let probes = 0;
  const ops = operations().filter((op) => kindOf(op) === 'path');
  for (const op of ops) {
    for (const path of pathsWithAIds(op)) {
      const url = withRequiredQuery(op, path);
      const body = bodyFor(op);
      for (const caller of callersFor(op)) {
        const res = await s.api(op.method, url, { headers: caller.headers, body });
        probes++;
        const what = `${op.method} ${url} as ${caller.name}`;
        if (res.status !== 403 && res.status !== 404) failures.push(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        const leaked = leaks(res.body, url + JSON.stringify(body ?? ''));
        if (leaked.length > 0) failures.push(`${what}: the answer holds A's ${leaked.join(', ')}`);
      }
    }
  }
  assert.deepEqual(failures, []);

  const after_ = await readAllAsA();
  assert.deepEqual([...after_.keys()], [...before_.keys()]);
  for (const [url, r] of before_) assert.deepEqual(after_.get(url), r, `A's ${url} changed`);
  t.diagnostic(`${ops.length} operations with path parameters, ${probes} calls as B; ${before_.size} reads of A unchanged`);
});

test("B's lists hold none of A's ids or data, and query parameters naming A's ids are refused", async (t) => {
  const failures: string[] = [];
  const ops = operations().filter((op) => kindOf(op) === 'list');
  let probes = 0;
  for (const op of ops) {
    for (const caller of callersFor(op)) {
      const res = await s.api('GET', withRequiredQuery(op, op.path), { headers: caller.headers });
      probes++;
      if (caller.name === "B's admin" && res.status !== 200) failures.push(`${op.key} as B's admin: ${res.status}, the list was not checked`);
      if (![200, 401, 403].includes(res.status)) failures.push(`${op.key} as ${caller.name}: ${res.status}`);
      const leaked = leaks(res.body, op.path);
      if (leaked.length > 0) failures.push(`${op.key} as ${caller.name}: holds A's ${leaked.join(', ')}`);
    }
    for (const q of op.query.filter((x) => QUERY_IDS[x.name])) {
      for (const id of QUERY_IDS[q.name]!()) {
        const base = withRequiredQuery(op, op.path);
        const url = `${base}${base.includes('?') ? '&' : '?'}${q.name}=${encodeURIComponent(id)}`;
        for (const caller of callersFor(op)) {
          const res = await s.api('GET', url, { headers: caller.headers });
          probes++;
          if (res.status !== 403 && res.status !== 404) failures.push(`GET ${url} as ${caller.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          const leaked = leaks(res.body, url);
          if (leaked.length > 0) failures.push(`GET ${url} as ${caller.name}: holds A's ${leaked.join(', ')}`);
        }
      }
    }
  }
  assert.deepEqual(failures, []);
  t.diagnostic(`${ops.length} list operations, ${probes} calls as B`);

  // and the lists are B's own, not empty
  const asB = async (path: string) => (await s.api('GET', path, { token: token(B, B_ADMIN) })).body;
  assert.deepEqual((await asB('/api/v1/devices')).map((d: any) => d.id).sort(), [B_DRIVER, SHARED]);
  assert.ok((await asB('/api/v1/positions/latest')).every((p: any) => String(p.position.lat).startsWith(B_LAT)), '(await asB(\'/api/v1/positions/latest\')).every((p: any) => String(p.position.lat).startsWith(B_LAT))');
  assert.deepEqual((await asB('/api/v1/unknown-devices')).map((u: any) => u.identifier), [bRetiredKey]);
  assert.deepEqual((await asB('/api/v1/alerts')).map((a: any) => a.device_id), [B_DRIVER]);
  assert.deepEqual((await asB('/api/v1/api-keys')).map((k: any) => k.name), ['Globex backend']);
  assert.deepEqual((await asB('/api/v1/users')).map((u: any) => u.id).sort(), [B_ADMIN, B_DRIVER, B_OFFICE, SHARED].sort());
});

test("body fields naming A's ids are refused and change nothing", async (t) => {
  const before_ = await readAllAsA();
  const failures: string[] = [];
  let probes = 0;
  for (const op of operations().filter((o) => kindOf(o) === 'body')) {
    const spec = BODY_ID_PROBES[op.key]!;
    for (const id of spec.ids()) {
      const body = { ...(bodyFor(op) as object), [spec.field]: id };
      for (const caller of callersFor(op)) {
        const res = await s.api(op.method, op.path, { headers: caller.headers, body });
        probes++;
        if (!spec.refusals.includes(res.status)) failures.push(`${op.key} {${spec.field}: ${id}} as ${caller.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        const leaked = leaks(res.body, JSON.stringify(body));
        if (leaked.length > 0) failures.push(`${op.key} {${spec.field}: ${id}} as ${caller.name}: holds A's ${leaked.join(', ')}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  const after_ = await readAllAsA();
  for (const [url, r] of before_) assert.deepEqual(after_.get(url), r, `A's ${url} changed`);
  t.diagnostic(`${Object.keys(BODY_ID_PROBES).length} operations with ids in the body, ${probes} calls as B`);
});

// ---------------------------------------------------------------------------------------------
// WebSocket Tracking API

/** What A has stored for its drivers (positions of the last day, alerts, device status), as A's admin reads it. */
async function aStored(): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const id of [...A_DRIVERS, SHARED]) {
    out[id] = {
      positions: (await ok('GET', `/api/v1/devices/${id}/positions?limit=5000`)).items,
      device: await ok('GET', `/api/v1/devices/${id}`),
    };
  }
  out.alerts = await ok('GET', '/api/v1/alerts');
  out.events = await ok('GET', '/api/v1/events?limit=1000');
  return out;
}

let bOffice: Probe;
let bAdmin: Probe;
let bDriver: Probe;
let aOffice: Probe;
let aShared: Probe;

/** One probe per action of the Tracking API: a missing one fails to compile and fails below. */
const WS_PROBES: Record<Action, () => Promise<number>> = {
  authenticate: async () => {
    const attempts: [string, 'driver' | 'office', string][] = [
      [B_DRIVER, 'driver', token(A, A_DRIVERS[0]!)],
      [B_OFFICE, 'office', token(A, A_OFFICE)],
      [A_DRIVERS[0]!, 'driver', token(B, B_DRIVER)],
      [A_OFFICE, 'office', token(B, B_OFFICE)],
    ];
    const p = await Probe.open();
    for (const [user_id, role, tok] of attempts) {
      p.send({ action: 'authenticate', payload: { user_id, role, token: tok } });
      const r = await p.reply();
      assert.equal(r.type, 'error', `${user_id} with another company's token: ${JSON.stringify(r)}`);
      assert.equal(r.error, 'Unauthorized');
    }
    p.send({ action: 'subscribe', entity: COMPANY_DRIVERS });
    assert.equal((await p.reply()).error, 'Unauthorized', 'still not authenticated');
    return attempts.length + 1;
  },
  subscribe: () => subscriptionProbe('subscribe'),
  unsubscribe: () => subscriptionProbe('unsubscribe'),
  driver_location: () => reportProbe('driver_location', (id, seq) => ({ action: 'driver_location', id, seq, payload: { lat: A_AT.lat, lng: A_AT.lng, speed: 10, bearing: 0, timestamp: Date.now() - 1000 } })),
  location_batch: () => reportProbe('location_batch', (id, seq) => ({ action: 'location_batch', id, seq, payload: { positions: [{ lat: A_AT.lat, lng: A_AT.lng, speed: 10, bearing: 0, timestamp: Date.now() - 2000 }] } })),
  heartbeat: () => reportProbe('heartbeat', (id, seq) => ({ action: 'heartbeat', id, seq, payload: { battery: 1, app: 'stolen' } })),
  alert: () => reportProbe('alert', (id, seq) => ({ action: 'alert', id, seq, payload: { kind: 'sos', timestamp: Date.now() - 1000, lat: A_AT.lat, lng: A_AT.lng } })),
};

/** B's office, admin and driver cannot (un)subscribe to A's drivers. */
async function subscriptionProbe(action: 'subscribe' | 'unsubscribe'): Promise<number> {
  let n = 0;
  for (const p of [bOffice, bAdmin, bDriver]) {
    for (const id of A_DRIVERS) {
      p.send({ action, entity: `driver:${id}` });
      const r = await p.reply();
      assert.deepEqual([r.type, r.error], ['error', 'Forbidden'], `${action} driver:${id}: ${JSON.stringify(r)}`);
      n++;
    }
  }
  return n;
}

/** B's driver (and office) sending for A's drivers' ids: Forbidden, with the message's seq. */
let seq = 100;
async function reportProbe(action: Action, message: (id: string, seq: number) => unknown): Promise<number> {
  let n = 0;
  for (const p of [bDriver, bOffice]) {
    for (const id of A_DRIVERS) {
      const mySeq = ++seq;
      p.send(message(id, mySeq));
      const r = await p.reply(mySeq);
      assert.deepEqual([r.type, r.error], ['error', 'Forbidden'], `${action} for ${id}: ${JSON.stringify(r)}`);
      n++;
    }
  }
  return n;
}

test("every WebSocket action refuses A's ids to B's office user and driver, and stores nothing in A", async (t) => {
  bOffice = await Probe.open(B, B_OFFICE, 'office');
  bAdmin = await Probe.open(B, B_ADMIN, 'admin');
  bDriver = await Probe.open(B, B_DRIVER, 'driver');
  const stored = await aStored();
  assert.deepEqual(
    ACTIONS.filter((a) => !WS_PROBES[a]),
    [],
  );
  let probes = 0;
  for (const action of ACTIONS) probes += await WS_PROBES[action]();
  // B's own fix, acked after commit: whatever B's attempts could have queued is written by now.
  bDriver.send({ action: 'driver_location', id: B_DRIVER, seq: ++seq, payload: { lat: B_AT.lat, lng: B_AT.lng, speed: 10, bearing: 0, timestamp: Date.now() - 500 } });
  assert.deepEqual(await bDriver.reply(seq), { type: 'ack', seq });
  assert.deepEqual(await aStored(), stored, "A's positions, devices, alerts and events are unchanged");
  for (const p of [bOffice, bAdmin, bDriver]) assert.deepEqual(p.leaks(), [], "B's sockets received none of A's data");
  t.diagnostic(`${ACTIONS.length} actions, ${probes} attempts`);
});

test("company:drivers as B delivers none of A's updates while A's drivers report, and A gets none of B's", async () => {
  aOffice = await Probe.open(A, A_OFFICE, 'office');
  aShared = await Probe.open(A, A_ADMIN, 'admin');
  for (const p of [aOffice, bOffice]) {
    p.send({ action: 'subscribe', entity: COMPANY_DRIVERS });
    assert.equal((await p.reply()).type, 'subscribed');
  }
  // the same driver id in both companies: each subscribes to its own
  for (const p of [aShared, bAdmin]) {
    p.send({ action: 'subscribe', entity: `driver:${SHARED}` });
    assert.equal((await p.reply()).type, 'subscribed');
  }

  // 20 m on from the last fixes: no GPS jump, so shown live
  const A_NEXT = A_AT.lat + 0.0002;
  const B_NEXT = B_AT.lat + 0.0002;
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-7;
  // A's drivers report: a live fix, a heartbeat and an SOS (WebSocket), a fix over HTTP.
  const a1 = await Probe.open(A, A_DRIVERS[0]!, 'driver');
  a1.send({ action: 'driver_location', id: A_DRIVERS[0], seq: 1, payload: { lat: A_NEXT, lng: A_AT.lng, speed: 30, bearing: 0, timestamp: Date.now() - 800 } });
  assert.deepEqual(await a1.reply(1), { type: 'ack', seq: 1 });
  a1.send({ action: 'heartbeat', id: A_DRIVERS[0], seq: 2, payload: { battery: 64, app: 'AcmeTrackerApp 2.1' } });
  assert.deepEqual(await a1.reply(2), { type: 'ack', seq: 2 });
  a1.send({ action: 'alert', id: A_DRIVERS[0], seq: 3, payload: { kind: 'sos', timestamp: Date.now() - 600, lat: A_NEXT, lng: A_AT.lng } });
  assert.deepEqual(await a1.reply(3), { type: 'ack', seq: 3 });
  await httpFix(A, SHARED, { lat: A_NEXT, lng: A_AT.lng }, 400);
  // Then B's: once these arrive, A's would have arrived before them.
  bDriver.send({ action: 'driver_location', id: B_DRIVER, seq: ++seq, payload: { lat: B_NEXT, lng: B_AT.lng, speed: 30, bearing: 0, timestamp: Date.now() - 300 } });
  assert.deepEqual(await bDriver.reply(seq), { type: 'ack', seq });
  await httpFix(B, SHARED, { lat: B_NEXT, lng: B_AT.lng }, 200);

  // A sees its own …
  await aOffice.next((m) => m.type === 'location_update' && m.id === A_DRIVERS[0] && String(m.payload.lat).startsWith(A_LAT));
  await aOffice.next((m) => m.type === 'device_status' && m.id === A_DRIVERS[0]);
  await aOffice.next((m) => m.type === 'alert' && m.id === A_DRIVERS[0] && m.payload.kind === 'sos');
  await aOffice.next((m) => m.type === 'location_update' && m.id === SHARED && near(m.payload.lat, A_NEXT));
  await aShared.next((m) => m.type === 'location_update' && m.id === SHARED && near(m.payload.lat, A_NEXT));
  // … and B its own,
  await bOffice.next((m) => m.type === 'location_update' && m.id === B_DRIVER && near(m.payload.lat, B_NEXT));
  await bOffice.next((m) => m.type === 'location_update' && m.id === SHARED && near(m.payload.lat, B_NEXT));
  await bAdmin.next((m) => m.type === 'location_update' && m.id === SHARED && near(m.payload.lat, B_NEXT));
  // and nothing else: B's sockets hold none of A's ids or positions, A's none of B's positions.
  const fromA = (m: any) => m.type !== 'error' && aMarkers.some((x) => JSON.stringify(m).includes(x));
  for (const p of [bOffice, bAdmin, bDriver]) {
    assert.ok(await p.sock.silentFor(100, fromA), 'no late update of A');
    assert.deepEqual(p.leaks(), [], `B received A's data: ${p.text().slice(0, 500)}`);
  }
  for (const p of [aOffice, aShared]) assert.ok(!p.text().includes(B_LAT), `A received B's positions: ${p.text().slice(0, 500)}`);
  a1.sock.ws.terminate();
});

test("OwnTracks friends: a driver id both companies have gets its own company's drivers only", async () => {
  for (const [company, admin] of [[A, A_ADMIN], [B, B_ADMIN]] as const) await ok('PATCH', `/api/v1/companies/${company}`, { owntracks_friends: true }, company, admin);
  const post = async (company: string, at: { lat: number; lng: number }) => {
    const key = s.ctx.users.get(company, SHARED)!.device_key;
    const res = await fetch(`${s.url}/owntracks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${SHARED}:${key}`).toString('base64')}` },
      body: JSON.stringify({ _type: 'location', lat: at.lat, lon: at.lng, tst: Math.floor(Date.now() / 1000), vel: 10, tid: 'sv' }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as any[];
  };
  const toB = await post(B, { lat: B_AT.lat + 0.0003, lng: B_AT.lng });
  assert.ok(toB.some((o) => o._type === 'card' && o.name === 'Globex Truck'), JSON.stringify(toB));
  assert.deepEqual(leaks(toB, SHARED), [], "B's phone is sent none of A's drivers");
  const toA = await post(A, { lat: A_AT.lat + 0.0003, lng: A_AT.lng });
  assert.ok(toA.some((o) => o._type === 'card' && o.name === 'Acme Truck 1'), JSON.stringify(toA));
  assert.ok(!JSON.stringify(toA).includes('Globex') && !JSON.stringify(toA).includes(B_LAT), "A's phone is sent none of B's drivers");
});

// ---------------------------------------------------------------------------------------------
// The control: A's admin succeeds with the very calls B was refused.

test("the same calls succeed for A's admin: B was refused for the company, not for a bad id or body", async () => {
  const failures: string[] = [];
  for (const op of operations().filter((o) => kindOf(o) === 'path')) {
    const answers: string[] = [];
    let succeeded = false;
    for (const path of pathsWithAIds(op)) {
      const url = withRequiredQuery(op, path);
      // a fresh token each time: revoke-tokens may have revoked the last one
      const res = await s.api(op.method, url, { token: token(A, A_ADMIN), body: bodyFor(op) });
      answers.push(`${url}: ${res.status}`);
      if (res.status >= 200 && res.status < 300) {
        succeeded = true;
        break;
      }
    }
    if (!succeeded) failures.push(`${op.key} never succeeded for A's admin with A's ids (${answers.join('; ')})`);
  }
  assert.deepEqual(failures, []);
});
