/**
 * Backend notifications from real activity, end to end: a real server (ManualClock), a webhook
 * receiver on 127.0.0.1 and two webhook destinations made over REST — one for everything, one
 * filtered to heartbeats and SOS of one device. Real drives through `location_batch` (the
 * barefoot Munich drive, a merged trip, a removed track), a crash with its buffer (all four
 * stages), heartbeats (throttled), SOS alerts and a share created and completed over REST.
 *
 * Every envelope is compared field by field with the seed's sample of its event
 * (test/support/seed-envelopes.ts) and exactly with the event log it came from; every signature is
 * verified with the `standardwebhooks` package; `webhook-id` is the event's uid and the same on
 * every retry; each destination receives its events once, in the order of the log; every
 * Object.Url answers its dataset to a company API key. Then the receiver answers 503, then its
 * port closes, while activity goes on: once it is back, every event arrives, in order.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { LoggedEvent } from '../../shared/api/events';
import type { RawFix } from '../../main/server/trips/process';
import { ManualClock } from '../support/manual-clock';
import { assertSameShape, assertSeedEnvelope, ISO_UTC, seedSamples } from '../support/seed-envelopes';
import { startTestServer, type TestServer } from '../support/server';
import { Trace, munichTrace } from '../support/synthetic-trips';
import { startWebhookReceiver, type Hit, type WebhookReceiver } from '../support/webhook-receiver';
import { TestSocket } from '../support/ws-client';

const C = 'acme';
const ALL = '/hooks/all';
const FILTERED = '/hooks/filtered';
/** the filtered destination: these event types of this device only */
const FILTER = { events: ['HeartbeatReceived', 'SosReceived'], device: 'van-hb' };
const DRIVERS: Record<string, string | null> = {
  'van-munich': 'Max Huber',
  'van-merge': 'Anna Berg',
  'van-short': null,
  'van-crash': 'Lena Koch',
  'van-hb': 'Gocha',
  'van-sos': 'Sam Oduya',
};
/** Details FleetDesk adds to the seed's HeartbeatReceived (README's event table) */
const HEARTBEAT_ADDS = { NotUploadedPositionsCount: 0, Charging: false };
/** FleetDesk's own events (no seed sample): Object.Type and Details as the README's table gives them */
const OWN: Record<string, { type: string; details: Record<string, unknown>; nullable?: string[] }> = {
  SosReceived: { type: 'Alert', details: { DateReceived: '2020-01-01T00:00:00.000Z', DateOccurred: '2020-01-01T00:00:00.000Z', Lat: 1.5, Lng: 1.5, Source: 'ws' }, nullable: ['Lat', 'Lng'] },
  ShareSessionCreated: { type: 'ShareSession', details: { DeviceId: 'x', Status: 'active', ExpiresAt: '2020-01-01T00:00:00.000Z', OrderId: 'x', RecipientName: 'x' }, nullable: ['OrderId', 'RecipientName'] },
  ShareSessionCompleted: { type: 'ShareSession', details: { DeviceId: 'x', Status: 'completed', By: 'dispatcher' } },
  ShareSessionCancelled: { type: 'ShareSession', details: { DeviceId: 'x', Status: 'cancelled', Reason: 'x' }, nullable: ['Reason'] },
};

const clock = new ManualClock();
/** midnight UTC two days ago: the synthetic drives happen then */
const DAY = Math.floor(clock.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
let s: TestServer;
let rx: WebhookReceiver;
let admin: string;
let apiKey: string;
const secrets: Record<string, string> = {};
const destIds: Record<string, string> = {};
const sockets = new Map<string, TestSocket>();
let seq = 0;

async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The company's whole event log over REST, oldest first. */
async function log(): Promise<LoggedEvent[]> {
  const out: LoggedEvent[] = [];
  for (;;) {
    const r = await s.api('GET', `/api/v1/events?after=${out.at(-1)?.id ?? 0}&limit=1000`, { token: admin });
    assert.equal(r.status, 200);
    out.push(...(r.body as LoggedEvent[]));
    if ((r.body as LoggedEvent[]).length < 1000) return out;
  }
}

const json = (h: Hit): Record<string, any> => JSON.parse(h.body);

/** GET a dataset the way a backend does, with the company API key: 200 and its JSON. */
async function dataset(url: string): Promise<any> {
  const r = await fetch(url, { headers: { 'x-api-key': apiKey } });
  assert.equal(r.status, 200, url);
  return r.json();
}

/** What the log says the receiver must get for an event: the envelope, exactly. */
function expected(e: LoggedEvent): Record<string, unknown> {
  const device = e.device_id === null ? undefined : s.ctx.users.get(C, e.device_id);
  return {
    Event: e.event,
    Sender: 'FleetDesk',
    UserId: e.device_id,
    ClientId: device?.display_name ?? e.device_id,
    Object: { Id: e.object.id, Type: e.object.type, Url: e.object.path === null ? null : s.url + e.object.path },
    Timestamp: e.timestamp,
    Details: e.details,
  };
}

const wants = (path: string) => (e: LoggedEvent) => path === ALL || (FILTER.events.includes(e.event) && e.device_id === FILTER.device);

/**
 * The destination at `path` got every event of the log meant for it exactly once, in the log's
 * order, each the exact envelope, signed (verified with standardwebhooks), `webhook-id` = uid;
 * every envelope has the structure of the seed's sample (or the README's, for FleetDesk's own).
 */
async function assertDelivered(path: string): Promise<LoggedEvent[]> {
  const events = (await log()).filter(wants(path));
  const got = await until(`${events.length} events at ${path}`, () => {
    const a = rx.accepted(path);
    return a.length >= events.length && a;
  });
  assert.deepEqual(
    got.map((h) => `${h.headers['webhook-id']} ${json(h).Event}`),
    events.map((e) => `${e.uid} ${e.event}`),
    `${path}: each event once, in the order of the log`,
  );
  for (const [i, e] of events.entries()) {
    const hit = got[i]!;
    const env = json(hit);
    assert.deepEqual(json(hit), expected(e), `${path}: the envelope of event ${e.id} (${e.event})`);
    assert.deepEqual(new Webhook(secrets[path]!).verify(hit.body, hit.headers as Record<string, string>), env, 'a valid Standard Webhooks signature');
    assert.equal(hit.headers['content-type'], 'application/json');
    if (seedSamples().has(e.event)) {
      assertSeedEnvelope(env, s.url, e.event === 'HeartbeatReceived' ? { extraDetails: HEARTBEAT_ADDS, nullable: ['NotUploadedTripsCount'] } : {});
    } else {
      const own = OWN[e.event];
      assert.ok(own, `a test of ${e.event}'s shape`);
      assert.equal(env.Object.Type, own.type);
      assert.ok(env.Object.Url.startsWith(`${s.url}/api/v1/`), 'env.Object.Url.startsWith(`${s.url}/api/v1/`)');
      assert.match(env.Timestamp, ISO_UTC);
      assertSameShape(env.Details, own.details, `${e.event}.Details`, own.nullable);
    }
  }
  return events;
}

/** A driver's authenticated socket (one per device, kept open). */
async function driver(id: string, company = C): Promise<TestSocket> {
  let sock = sockets.get(id);
  if (sock) return sock;
  sock = await TestSocket.open(s.wsUrl);
  assert.equal((await sock.authenticate(id, 'driver', s.token(company, id, 86_400))).type, 'authenticated');
  sockets.set(id, sock);
  return sock;
}

/** Sends a message with a fresh seq and waits for its ack (the event is committed by then). */
async function sendAcked(id: string, msg: { action: string; payload: unknown }, company = C): Promise<void> {
  const sock = await driver(id, company);
  const n = ++seq;
  sock.send({ ...msg, id, seq: n });
  assert.deepEqual(await sock.next((m) => (m.type === 'ack' || m.type === 'error') && m.seq === n, 10_000), { type: 'ack', seq: n });
}

/** The fixes as location_batch messages of 200, each acked after commit; then the trips are recorded. */
async function drive(id: string, fixes: RawFix[]): Promise<void> {
  for (let i = 0; i < fixes.length; i += 200) {
    const positions = fixes.slice(i, i + 200).map((f) => ({
      lat: f.lat,
      lng: f.lng,
      speed: f.speed * 3.6,
      bearing: f.bearing,
      timestamp: f.t,
      ...(f.accuracy === null ? {} : { accuracy: f.accuracy }),
      ...(f.altitude === null ? {} : { altitude: f.altitude }),
    }));
    await sendAcked(id, { action: 'location_batch', payload: { positions } });
  }
  await s.ctx.trips.idle();
}

/** park, drive `driveS` at 15 m/s, stop `stopS`, drive again, park (as in trips.test.ts) */
function parkDriveStopDrive(t0: number, stopS: number, driveS = 300): Trace {
  return new Trace(undefined, t0).stand(120).accelerate(15, 2).drive(driveS, 15).accelerate(0, -2.5).stand(stopS).accelerate(15, 2).drive(driveS, 15).accelerate(0, -2.5).stand(400);
}
const shortMove = (t0: number) => new Trace(undefined, t0).stand(120).accelerate(8, 2).drive(22, 8).accelerate(0, -2).stand(400);

const heartbeat = (id: string, battery: number) =>
  sendAcked(id, { action: 'heartbeat', payload: { battery, charging: false, gps: 'granted', online: true, pending: 6, duty: false, connection: 'mobile', app: 'FleetDesk driver 1.0' } });
let sosCount = 0;
/** an SOS with a device time of its own (a resent alert, same device and time, is not stored twice) */
const sos = (id: string) => sendAcked(id, { action: 'alert', payload: { kind: 'sos', timestamp: clock.now() - 1_000 + ++sosCount, lat: 48.1374, lng: 11.5755 } });

/** The envelopes the destination at `path` accepted of one device, oldest first. */
const arrivedOf = (device: string, path = ALL) => rx.accepted(path).map(json).filter((e) => e.UserId === device);

before(async () => {
  rx = await startWebhookReceiver();
  s = await startTestServer({ clock, notify: { retryBaseMs: 1_000, retryCapMs: 4_000, maxAttempts: 1_000, timeoutMs: 3_000 } });
  s.company(C, 'ACME Deliveries');
  s.company('globex');
  await s.user(C, 'boss', 'admin');
  await s.user('globex', 'g-van', 'driver', { display_name: 'Globex van' });
  for (const [id, name] of Object.entries(DRIVERS)) await s.user(C, id, 'driver', name ? { display_name: name } : {});
  admin = s.token(C, 'boss', 86_400);
  apiKey = (await s.api('POST', '/api/v1/api-keys', { token: admin, body: { name: 'Backend' } })).body.key;
  for (const [path, extra] of [
    [ALL, {}],
    [FILTERED, { events: FILTER.events, devices: [FILTER.device] }],
  ] as const) {
    const r = await s.api('POST', '/api/v1/destinations', { token: admin, body: { name: path, provider: 'webhook', settings: { url: rx.origin + path }, ...extra } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.match(r.body.created_secret, /^whsec_/);
    secrets[path] = r.body.created_secret;
    destIds[path] = r.body.id;
  }
});

after(async () => {
  for (const sock of sockets.values()) sock.ws.terminate();
  await s.stop();
  await rx.close();
});

test('the seed has a sample of each of its eight events', () => {
  assert.deepEqual(
    [...seedSamples().keys()].sort(),
    [
      'AccidentEventCompletePackageReceived',
      'AccidentEventExtraReceived',
      'AccidentEventFiltered',
      'AccidentEventReceived',
      'HeartbeatReceived',
      'IncomingTrackReceived',
      'IncomingTrackRemoved',
      'TrackEnrichmentFinished',
    ],
  );
});

test('the Munich drive (barefoot x0001-001) replayed: IncomingTrackReceived and TrackEnrichmentFinished, dates of the raw track', async () => {
  const fixes = munichTrace();
  await drive('van-munich', fixes);
  s.ctx.trips.sweep(clock.now() + 16 * 60_000);
  await s.ctx.trips.idle();
  const [received, enriched] = await until('the Munich trip', () => arrivedOf('van-munich').length >= 2 && arrivedOf('van-munich'));
  assert.deepEqual(
    arrivedOf('van-munich').map((e) => e.Event),
    ['IncomingTrackReceived', 'TrackEnrichmentFinished'],
  );
  assert.equal(received!.ClientId, 'Max Huber');
  assert.equal(received!.Object.Url, `${s.url}/api/v1/tracks/incoming/${received!.Object.Id}`);
  const raw = (await dataset(received!.Object.Url)) as { start: string; end: string; type: string };
  assert.equal(raw.type, 'IncomingTrack');
  assert.deepEqual(received!.Details, { TrackStartDate: raw.start, TrackFinishDate: raw.end });
  assert.ok(Date.parse(raw.start) >= fixes[0]!.t && Date.parse(raw.end) <= fixes.at(-1)!.t && Date.parse(raw.end) - Date.parse(raw.start) > 19 * 60_000, `${raw.start} … ${raw.end}: the drive of 2014-09-10`);
  assert.deepEqual(enriched!.Details, { ObjectReplaced: false, TracksRemoved: [] });
  assert.equal(enriched!.Object.Url, `${s.url}/api/v1/tracks/rich/${enriched!.Object.Id}`);
  await assertDelivered(ALL);
});

test('a merged trip: the second TrackEnrichmentFinished replaces the first (ObjectReplaced, TracksRemoved)', async () => {
  await drive('van-merge', parkDriveStopDrive(DAY + 9 * 3600_000, 240).fixes);
  const got = await until('the merged trip', () => arrivedOf('van-merge').length >= 4 && arrivedOf('van-merge'));
  assert.deepEqual(
    got.map((e) => e.Event),
    ['IncomingTrackReceived', 'TrackEnrichmentFinished', 'IncomingTrackReceived', 'TrackEnrichmentFinished'],
  );
  const first = got[1]!;
  const merged = got[3]!;
  assert.deepEqual(first.Details, { ObjectReplaced: false, TracksRemoved: [] });
  assert.deepEqual(merged.Details, { ObjectReplaced: true, TracksRemoved: [{ Id: first.Object.Id, Type: 'RichTrack' }] });
  assert.notEqual(merged.Object.Id, first.Object.Id);
  // the seed's warning: the earlier version is replaced, the receiver fetches again
  const old = await dataset(first.Object.Url);
  assert.equal(old.replaced_by, merged.Object.Id);
  const now = await dataset(merged.Object.Url);
  assert.deepEqual(now.summary.incoming_ids, [got[0]!.Object.Id, got[2]!.Object.Id]);
  await assertDelivered(ALL);
});

test('a track too short: IncomingTrackRemoved with its Reason', async () => {
  await drive('van-short', shortMove(DAY + 10 * 3600_000).fixes);
  const [removed] = await until('the removed track', () => arrivedOf('van-short').length >= 1 && arrivedOf('van-short'));
  assert.equal(arrivedOf('van-short').length, 1);
  assert.equal(removed!.Event, 'IncomingTrackRemoved');
  assert.equal(removed!.Object.Type, 'IncomingTrackSummary');
  assert.equal(removed!.Details.Reason, 'Insufficient track length');
  assert.equal(removed!.ClientId, 'van-short', 'no display name: the device id');
  const summary = await dataset(removed!.Object.Url);
  assert.deepEqual([summary.type, summary.status, summary.start, summary.end], ['IncomingTrackSummary', 'removed', removed!.Details.TrackStartDate, removed!.Details.TrackFinishDate]);
  await assertDelivered(ALL);
});

test('a crash with its buffer: the four accident stages in order, Accident and AccidentExtra URLs', async () => {
  const t0 = clock.now() - 5 * 60_000;
  const positions = [];
  for (let sec = -40, north = 0; sec <= 10; sec++) {
    const v = sec < 0 ? 14 : 0;
    positions.push({ lat: 48.137 + north / 111_320, lng: 11.575, speed: v * 3.6, bearing: 0, accuracy: 5, timestamp: t0 + sec * 1000 });
    north += v;
  }
  const motion = [{ t: t0 - 100, x: 0.1, y: 9.8, z: 0.2 }, { t: t0, x: 40, y: 55, z: 3 }, { t: t0 + 100, x: 0.3, y: 9.7, z: 0.1 }];
  await sendAcked('van-crash', { action: 'alert', payload: { kind: 'crash', timestamp: t0, peak_g: 6.9, threshold_g: 4, motion, positions } });
  await s.ctx.trips.idle();
  const got = await until('the four stages', () => arrivedOf('van-crash').length >= 4 && arrivedOf('van-crash'));
  assert.deepEqual(
    got.map((e) => [e.Event, e.Object.Type]),
    [
      ['AccidentEventReceived', 'Accident'],
      ['AccidentEventExtraReceived', 'AccidentExtra'],
      ['AccidentEventCompletePackageReceived', 'Accident'],
      ['AccidentEventFiltered', 'Accident'],
    ],
  );
  const id = got[0]!.Object.Id;
  assert.ok(got.every((e) => e.Object.Id === id), 'one accident');
  assert.equal(got[1]!.Object.Url, `${s.url}/api/v1/accidents/${id}/extra`);
  const accident = await dataset(got[0]!.Object.Url);
  assert.equal(accident.type, 'Accident');
  assert.deepEqual(got[0]!.Details, { DateReceived: accident.received_at });
  assert.deepEqual(got[1]!.Details, { DateReceived: accident.extra_received_at });
  assert.deepEqual(got[2]!.Details, { PackageDateReceived: accident.package_received_at, AccidentPassedFilters: true });
  assert.deepEqual(got[3]!.Details, { DateFiltered: accident.filtered_at });
  const extra = await dataset(got[1]!.Object.Url);
  assert.equal(extra.type, 'AccidentExtra');
  assert.equal(extra.positions.length, 51);
  await assertDelivered(ALL);
});

test('heartbeats: HeartbeatReceived with Url null and the seed details, throttled to one per 5 minutes unless a field changes', async () => {
  const count = () => s.ctx.events.list(C, 0, 100_000).filter((e) => e.event === 'HeartbeatReceived' && e.device_id === 'van-hb').length;
  await heartbeat('van-hb', 89.4);
  assert.equal(count(), 1);
  await heartbeat('van-hb', 89.4);
  assert.equal(count(), 1, 'the same status within 5 minutes: no event');
  clock.advance(60_000);
  await heartbeat('van-hb', 89.4);
  assert.equal(count(), 1, 'still within 5 minutes');
  await heartbeat('van-hb', 88);
  assert.equal(count(), 2, 'the battery changed');
  clock.advance(5 * 60_000);
  await heartbeat('van-hb', 88);
  assert.equal(count(), 3, 'five minutes later, the same status is an event again');
  const got = await until('three heartbeats', () => arrivedOf('van-hb').length >= 3 && arrivedOf('van-hb'));
  assert.deepEqual(
    got.map((e) => e.Details.ChargeLevel),
    [89.4, 88, 88],
  );
  const [first, , third] = got;
  assert.deepEqual(first!.Object, { Id: 'van-hb', Type: 'RawHeartbeat', Url: null });
  assert.equal(first!.UserId, 'van-hb');
  assert.equal(first!.ClientId, 'Gocha');
  assert.deepEqual(first!.Details, {
    ChargeLevel: 89.4,
    WifiEnabled: false,
    GPSEnabled: true,
    RealTimeLocationEnabled: false,
    MobileDataEnabled: true,
    NotUploadedTripsCount: null,
    NotUploadedPositionsCount: 6,
    Charging: false,
    InstanceId: C,
    TimeReceived: first!.Timestamp,
  });
  assert.ok(Date.parse(third!.Timestamp) - Date.parse(got[1]!.Timestamp) >= 5 * 60_000, 'Date.parse(third!.Timestamp) - Date.parse(got[1]!.Timestamp) >= 5 * 60_000');
  // the filtered destination wants this device's heartbeats: the same three
  assert.deepEqual(
    arrivedOf('van-hb', FILTERED).map((e) => e.Details.ChargeLevel),
    [89.4, 88, 88],
  );
  await assertDelivered(ALL);
  await assertDelivered(FILTERED);
});

test('SOS alerts: SosReceived with the alert as Object; the filtered destination gets only its device', async () => {
  await sos('van-sos');
  await sos('van-hb');
  const [other] = await until('the SOS', () => arrivedOf('van-sos').length >= 1 && arrivedOf('van-sos'));
  assert.equal(other!.Event, 'SosReceived');
  assert.equal(other!.Object.Url, `${s.url}/api/v1/alerts/${other!.Object.Id}`);
  assert.equal(other!.Details.Lat, 48.1374);
  const alert = await dataset(other!.Object.Url);
  assert.deepEqual([String(alert.id), alert.kind, alert.device_id], [other!.Object.Id, 'sos', 'van-sos']);
  await until("van-hb's SOS at the filtered destination", () => arrivedOf('van-hb', FILTERED).some((e) => e.Event === 'SosReceived'));
  assert.deepEqual(
    rx.accepted(FILTERED).map(json).map((e) => [e.Event, e.UserId]),
    [...Array(3).fill(['HeartbeatReceived', 'van-hb']), ['SosReceived', 'van-hb']],
    'nothing of other devices, no trips or crashes',
  );
  await assertDelivered(ALL);
  await assertDelivered(FILTERED);
});

test('a share created and completed over REST: ShareSessionCreated and ShareSessionCompleted', async () => {
  const created = await s.api('POST', '/api/v1/shares', { token: admin, body: { device_id: 'van-munich', recipient_name: 'Mrs Smith', order_id: 'ORD-7', destination: { latitude: 48.15, longitude: 11.58 } } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const done = await s.api('POST', `/api/v1/shares/${created.body.id}/complete`, { token: admin });
  assert.equal(done.status, 200);
  const got = await until('the share events', () => {
    const l = arrivedOf('van-munich').filter((e) => e.Object.Type === 'ShareSession');
    return l.length >= 2 && l;
  });
  assert.deepEqual(
    got.map((e) => [e.Event, e.Object.Id, e.Details.Status]),
    [
      ['ShareSessionCreated', created.body.id, 'active'],
      ['ShareSessionCompleted', created.body.id, 'completed'],
    ],
  );
  assert.deepEqual(got[0]!.Details, { DeviceId: 'van-munich', Status: 'active', ExpiresAt: created.body.expires_at, OrderId: 'ORD-7', RecipientName: 'Mrs Smith' });
  assert.equal(got[1]!.Details.By, 'dispatcher');
  const share = await dataset(got[0]!.Object.Url);
  assert.deepEqual([share.id, share.status], [created.body.id, 'completed']);
  await assertDelivered(ALL);
});

test("another company's activity never reaches this company's destinations", async () => {
  await sendAcked('g-van', { action: 'heartbeat', payload: { battery: 50 } }, 'globex');
  await sos('van-sos'); // a later event of ours, so we know the outbox went past the moment
  await until('our later SOS', () => arrivedOf('van-sos').length >= 2);
  assert.equal(
    rx.hits.some((h) => json(h).UserId === 'g-van'),
    false,
  );
});

test('every event type seen; every Object.Url is absolute and answers its dataset (200) to the API key, 401 without; no device key anywhere', async () => {
  const envs = rx.accepted(ALL).map(json);
  assert.deepEqual(
    [...new Set(envs.map((e) => e.Event))].sort(),
    [...seedSamples().keys(), 'SosReceived', 'ShareSessionCreated', 'ShareSessionCompleted'].sort(),
  );
  const urls = [...new Set(envs.map((e) => e.Object.Url).filter((u): u is string => u !== null))];
  // 2 Munich tracks, 4 of the merged trip, 1 removed, the accident and its extra, 3 alerts, 1 share
  assert.equal(urls.length, 13);
  for (const url of urls) {
    assert.ok(url.startsWith(`${s.url}/api/v1/`), 'url.startsWith(`${s.url}/api/v1/`)');
    const r = await fetch(url, { headers: { 'x-api-key': apiKey } });
    assert.equal(r.status, 200, url);
    const body = (await r.json()) as { id: string | number };
    assert.equal(String(body.id), url.split('/').at(url.endsWith('/extra') ? -2 : -1), url);
    assert.equal((await fetch(url)).status, 401, `${url} without a key`);
  }
  // UserId is the device id, never its secret key: no key appears in any request
  const keys = Object.keys(DRIVERS).map((id) => s.ctx.users.get(C, id)!.device_key);
  for (const h of rx.hits) for (const k of keys) assert.equal(h.body.includes(k) || JSON.stringify(h.headers).includes(k), false);
  assert.ok(envs.every((e) => e.UserId in DRIVERS), 'envs.every((e) => e.UserId in DRIVERS)');
});

test('the receiver answering 503, then gone (port closed), while activity goes on: afterwards every event arrives, in order, same webhook-id on every retry', async () => {
  const start = rx.hits.length;
  rx.status = 503;
  await heartbeat('van-hb', 70);
  await sos('van-sos');
  const share = (await s.api('POST', '/api/v1/shares', { token: admin, body: { device_id: 'van-merge' } })).body;
  // the first failed attempts (each destination's head), then two retries after the backoff
  await until('a refused attempt at each destination', () => [ALL, FILTERED].every((p) => rx.hits.slice(start).some((h) => h.path === p && h.status === 503)));
  for (let n = 2; n <= 3; n++) {
    clock.advance(4_000);
    await until(`attempt ${n}`, () => rx.hits.slice(start).filter((h) => h.path === ALL).length >= n);
  }
  const attempts = rx.hits.slice(start).filter((h) => h.path === ALL);
  assert.ok(attempts.every((h) => h.status === 503), 'attempts.every((h) => h.status === 503)');
  assert.equal(new Set(attempts.map((h) => h.headers['webhook-id'])).size, 1, 'the head event is retried, with the same webhook-id');
  assert.equal(new Set(attempts.map((h) => h.body)).size, 1, 'and the same body');
  for (const h of attempts) assert.doesNotThrow(() => new Webhook(secrets[ALL]!).verify(h.body, h.headers as Record<string, string>));
  assert.equal(json(attempts[0]!).Details.ChargeLevel, 70, 'the first event of the outage is first');

  // now the port is closed: connection refused, and still activity
  await rx.down();
  const head = s.ctx.storage.deliveries.get(destIds[ALL]!, (await log()).find((e) => e.uid === attempts[0]!.headers['webhook-id'])!.id)!;
  await heartbeat('van-hb', 69);
  await sos('van-hb');
  await s.api('POST', `/api/v1/shares/${share.id}/cancel`, { token: admin });
  await drive('van-short', shortMove(DAY + 11 * 3600_000).fixes);
  await heartbeat('van-hb', 68);
  for (let i = 0; i < 2; i++) {
    const before = s.ctx.storage.deliveries.get(destIds[ALL]!, head.eventId)!.attempts;
    clock.advance(4_000);
    await until('a refused connection', () => s.ctx.storage.deliveries.get(destIds[ALL]!, head.eventId)!.attempts > before);
  }
  const row = s.ctx.storage.deliveries.get(destIds[ALL]!, head.eventId)!;
  assert.equal(row.state, 'retrying');
  assert.match(row.lastError!, /connection refused/);
  const pending = (await s.api('GET', `/api/v1/destinations/${destIds[ALL]}`, { token: admin })).body.health.pending;
  assert.ok(pending >= 8, `${pending} events wait`);

  // back: the next retry delivers the head, and the rest follow at once
  rx.status = 200;
  await rx.up();
  clock.advance(4_000);
  const all = await assertDelivered(ALL);
  await assertDelivered(FILTERED);
  const outage = all.filter((e) => e.id >= head.eventId);
  assert.deepEqual(
    outage.map((e) => e.event),
    ['HeartbeatReceived', 'SosReceived', 'ShareSessionCreated', 'HeartbeatReceived', 'SosReceived', 'ShareSessionCancelled', 'IncomingTrackRemoved', 'HeartbeatReceived'],
  );
  const firstOk = rx.hits.slice(start).find((h) => h.path === ALL && h.status === 200)!;
  assert.equal(firstOk.body, attempts[0]!.body, 'delivered as it was tried');
  assert.equal(firstOk.headers['webhook-id'], attempts[0]!.headers['webhook-id']);
  const d = (await s.api('GET', `/api/v1/destinations/${destIds[ALL]}`, { token: admin })).body;
  assert.deepEqual([d.health.pending, d.health.dead, d.health.failing_since], [0, 0, null]);
});

test('retention never frees the newest event id: after an idle week a new event still reaches the destination', async () => {
  // Heartbeat events every destination has passed are forgotten after the log retention. If the
  // newest event of all is one of them, SQLite would give its id to the next event (rowid = max + 1),
  // an id the destinations' cursors have already passed: that event would never be sent.
  const idle = new ManualClock();
  const srv = await startTestServer({ clock: idle, notify: { logRetentionMs: 24 * 3600_000 } });
  const hook = await startWebhookReceiver();
  try {
    srv.company(C);
    await srv.user(C, 'van-idle', 'driver');
    const d = srv.ctx.destinations.create(C, { name: 'Backend', provider: 'webhook', settings: { url: `${hook.origin}/idle` } });
    const device = { pk: srv.ctx.users.get(C, 'van-idle')!.pk, company_id: C, user_id: 'van-idle' };
    srv.ctx.deviceStatus.report(device, { battery: 50 }, 'test');
    await until('the first heartbeat', () => hook.accepted().length === 1);
    const first = srv.ctx.events.list(C).at(-1)!;
    assert.equal(srv.ctx.storage.destinations.get(C, d.id)!.cursor, first.id);
    idle.advance(8 * 24 * 3600_000); // a week without events; the hourly retention runs on the way
    srv.ctx.deviceStatus.report(device, { battery: 49 }, 'test');
    const next = srv.ctx.events.list(C).at(-1)!;
    assert.ok(next.id > first.id, `the new event's id ${next.id} is after the cursor ${first.id}`);
    await until('the heartbeat after the idle week', () => hook.accepted().length === 2);
    assert.equal(JSON.parse(hook.accepted()[1]!.body).Details.ChargeLevel, 49);
  } finally {
    await srv.stop();
    await hook.close();
  }
});
