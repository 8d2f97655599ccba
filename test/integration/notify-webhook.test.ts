/**
 * Webhook destinations over a real server: REST (create, secrets write-only and shown once,
 * edit, disable, delete, bad settings, other companies), what arrives (the seed's envelope,
 * Standard Webhooks signature), the receiver down and back (every event afterwards, in order),
 * dead letters after the attempt limit and their redelivery, the delivery log and its filters,
 * the failing warning — time moved on the server's ManualClock.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startTestServer, type TestServer } from '../support/server';
import { ManualClock } from '../support/manual-clock';
import { TestSocket } from '../support/ws-client';
import { selfSignedCertificate, startReceiver as startHttpsReceiver } from '../support/recording-receiver';

const C = 'acme';
let s: TestServer;
let clock: ManualClock;
let admin: string;
let receiver: Receiver;

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

interface Receiver {
  url: string;
  hits: Hit[];
  /** the status to answer; 0 = destroy the socket */
  status: number;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', hits: [], status: 200, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (r.status === 0) return req.socket.destroy();
      const body = Buffer.concat(chunks).toString('utf8');
      if (r.status < 300) r.hits.push({ headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(r.status, { 'content-type': 'text/plain' }).end(r.status < 300 ? 'ok' : 'receiver busy');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/fleetdesk`;
  r.close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return r;
}

async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let sock: TestSocket;
let seq = 0;
/** A heartbeat over the Tracking API, acked after it is stored (and its event recorded). */
async function beat(battery: number): Promise<void> {
  seq++;
  sock.send({ action: 'heartbeat', id: 'van-01', seq, payload: { battery, connection: 'wifi', gps: 'granted', duty: true } });
  assert.deepEqual(await sock.next((m) => m.type === 'ack' || m.type === 'error'), { type: 'ack', seq });
}

const create = (body: unknown, token = admin) => s.api('POST', '/api/v1/destinations', { token, body });

before(async () => {
  clock = new ManualClock();
  receiver = await startReceiver();
  s = await startTestServer({ clock, notify: { retryBaseMs: 1_000, retryCapMs: 8_000, maxAttempts: 5, timeoutMs: 2_000 } });
  s.company(C);
  s.company('globex');
  await s.user(C, 'boss', 'admin');
  await s.user(C, 'clerk', 'office');
  await s.user(C, 'van-01', 'driver', { display_name: 'Van 1 — Anna' });
  await s.user('globex', 'gboss', 'admin');
  admin = s.token(C, 'boss');
  sock = await TestSocket.open(s.wsUrl);
  assert.equal((await sock.authenticate('van-01', 'driver', s.token(C, 'van-01'))).type, 'authenticated');
});
after(async () => {
  sock.ws.terminate();
  await s.stop();
  await receiver.close();
});

test('bad settings are refused with a message naming the field; only admins manage destinations', async () => {
  const cases: [unknown, RegExp][] = [
    [{ name: 'x', provider: 'webhook', settings: {} }, /url is required/],
    [{ name: 'x', provider: 'webhook', settings: { url: 'not a url' } }, /url must be a full http or https address/],
    [{ name: 'x', provider: 'webhook', settings: { url: 'ftp://example.com/x' } }, /url must start with https:\/\//],
    [{ name: 'x', provider: 'webhook', settings: { url: 'https://user:pw@example.com/' } }, /must not hold a user name/],
    [{ name: 'x', provider: 'webhook', settings: { url: 'https://example.com/', secret: 'short' } }, /secret must be "whsec_"/],
    [{ name: 'x', provider: 'webhook', settings: { url: 'https://example.com/', headers: { 'webhook-id': 'x' } } }, /set by FleetDesk/],
    [{ name: 'x', provider: 'webhook', settings: { url: 'https://example.com/', headers: { 'bad header': 'x' } } }, /not a valid header name/],
    [{ name: '  ', provider: 'webhook', settings: { url: 'https://example.com/' } }, /name must not be empty/],
    [{ name: 'x', provider: 'pigeon', settings: {} }, /provider/],
    [{ name: 'x', provider: 'webhook', settings: { url: 'https://example.com/' }, devices: ['nobody'] }, /no device "nobody"/],
    [{ name: 'x', provider: 'webhook', settings: { url: 'https://example.com/' }, events: ['TripStarted'] }, /events/],
    [{ name: 'x', provider: 'aws-sns', settings: { region: 'eu-central-1', topic_arn: 'arn:aws:sns:eu-central-1:12:t', access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'x'.repeat(40) } }, /topic_arn/],
    [{ name: 'x', provider: 'azure-event-grid', settings: { endpoint: 'http://topic.example.com/api/events', key: 'k', schema: 'EventGrid' } }, /endpoint/],
  ];
  for (const [body, message] of cases) {
    const r = await create(body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error, 'BadRequest');
    assert.match(r.body.message, message);
  }
  assert.equal((await create({ name: 'x', provider: 'webhook', settings: { url: receiver.url } }, s.token(C, 'clerk'))).status, 403);
  assert.equal((await s.api('GET', '/api/v1/destinations')).status, 401);
  assert.deepEqual((await s.api('GET', '/api/v1/destinations', { token: admin })).body, { destinations: [] });
  // another company's device is not one of ours
  await s.user('globex', 'g-van', 'driver');
  const foreign = await create({ name: 'x', provider: 'webhook', settings: { url: 'https://example.com/' }, devices: ['g-van'] });
  assert.equal(foreign.status, 400);
  assert.match(foreign.body.message, /no device "g-van"/);
});

let dest: any;
let secret: string;

test('a webhook destination: the secret is made, shown once, never again; heartbeats arrive signed, in the seed envelope', async () => {
  const r = await create({ name: 'Backend', provider: 'webhook', settings: { url: receiver.url, headers: { 'x-tenant': 'acme' } } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  dest = r.body;
  secret = dest.created_secret;
  assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  assert.deepEqual(dest.secrets_set, ['secret']);
  assert.equal(dest.settings.secret, undefined);
  assert.equal(dest.enabled, true);
  assert.equal(dest.events.length, 14);
  const again = await s.api('GET', `/api/v1/destinations/${dest.id}`, { token: admin });
  assert.equal(again.body.created_secret, undefined);
  assert.equal(JSON.stringify(again.body).includes(secret), false, 'the secret is never answered again');
  // sealed at rest: not in the database file's rows
  const raw = s.ctx.db.prepare('SELECT settings, secrets FROM destinations').get() as { settings: string; secrets: string };
  assert.equal(raw.settings.includes('whsec_'), false);
  assert.match(raw.secrets, /^k1:/);
  assert.equal(raw.secrets.includes(secret.slice(6)), false);

  await beat(81);
  const hit = await until('the heartbeat', () => receiver.hits.find((h) => h.json.Event === 'HeartbeatReceived'));
  const e = hit.json;
  assert.deepEqual(Object.keys(e).sort(), ['ClientId', 'Details', 'Event', 'Object', 'Sender', 'Timestamp', 'UserId']);
  assert.equal(e.Sender, 'FleetDesk');
  assert.equal(e.UserId, 'van-01');
  assert.equal(e.ClientId, 'Van 1 — Anna');
  assert.deepEqual(e.Object, { Id: 'van-01', Type: 'RawHeartbeat', Url: null });
  assert.match(e.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  for (const k of ['ChargeLevel', 'WifiEnabled', 'GPSEnabled', 'RealTimeLocationEnabled', 'MobileDataEnabled', 'NotUploadedTripsCount', 'InstanceId', 'TimeReceived']) assert.ok(k in e.Details, k);
  assert.equal(e.Details.ChargeLevel, 81);
  assert.equal(e.Details.WifiEnabled, true);
  assert.equal(e.Details.MobileDataEnabled, false);
  assert.equal(e.Details.GPSEnabled, true);
  assert.equal(e.Details.RealTimeLocationEnabled, true);
  assert.equal(e.Details.InstanceId, C);
  assert.equal(hit.headers['x-tenant'], 'acme');
  assert.equal(hit.headers['content-type'], 'application/json');
  // Standard Webhooks: verified by the standardwebhooks package with the secret shown at creation
  assert.deepEqual(new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>), e);
  const logged = (await s.api('GET', '/api/v1/events', { token: admin })).body.find((x: any) => x.event === 'HeartbeatReceived');
  assert.equal(hit.headers['webhook-id'], logged.uid, 'webhook-id is the event id');
  assert.throws(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(hit.body, hit.headers as Record<string, string>));
});

test('heartbeats are throttled per device: an unchanged one within 5 minutes is not an event, a changed field or 5 minutes later is', async () => {
  const count = () => (s.ctx.db.prepare(`SELECT count(*) n FROM events WHERE event = 'HeartbeatReceived'`).get() as { n: number }).n;
  const before = count();
  await beat(81);
  assert.equal(count(), before, 'same status within 5 minutes');
  await beat(80);
  assert.equal(count(), before + 1, 'battery changed');
  clock.advance(5 * 60_000);
  await beat(80);
  assert.equal(count(), before + 2, 'five minutes later');
  await until('all heartbeats delivered', () => receiver.hits.filter((h) => h.json.Event === 'HeartbeatReceived').length === count());
});

test('Send test shows what the receiver answered', async () => {
  const ok = await s.api('POST', `/api/v1/destinations/${dest.id}/test`, { token: admin });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.ok, true);
  assert.equal(ok.body.status, 200);
  assert.equal(typeof ok.body.ms, 'number');
  const sample = receiver.hits[receiver.hits.length - 1]!;
  assert.equal(sample.json.Details.Test, true);
  assert.match(String(sample.headers['webhook-id']), /^test_/);
  receiver.status = 500;
  const bad = await s.api('POST', `/api/v1/destinations/${dest.id}/test`, { token: admin });
  assert.deepEqual([bad.body.ok, bad.body.status], [false, 500]);
  assert.match(bad.body.error, /answered 500: receiver busy/);
  receiver.status = 200;
  const gone = http.createServer();
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
  const port = (gone.address() as AddressInfo).port;
  await new Promise((resolve) => gone.close(resolve));
  const closed = await create({ name: 'Nobody', provider: 'webhook', settings: { url: `http://127.0.0.1:${port}/x` }, enabled: false });
  const refused = await s.api('POST', `/api/v1/destinations/${closed.body.id}/test`, { token: admin });
  assert.equal(refused.body.ok, false);
  assert.match(refused.body.error, /connection refused/);
  assert.equal((await s.api('DELETE', `/api/v1/destinations/${closed.body.id}`, { token: admin })).status, 204);
});

test('the receiver down for a while: events wait in order with backoff, the header warns, and all arrive once it is back', async () => {
  const start = receiver.hits.length;
  receiver.status = 503;
  for (const b of [70, 69, 68, 67]) await beat(b);
  const first = await until('a failed attempt', async () => {
    const log = (await s.api('GET', `/api/v1/deliveries?destination=${dest.id}&state=retrying`, { token: admin })).body.deliveries;
    return log.length ? log[0] : null;
  });
  assert.equal(first.attempts, 1);
  assert.equal(first.last_status, 503);
  assert.match(first.last_error, /answered 503/);
  assert.ok(first.next_attempt_at, 'first.next_attempt_at');
  // not failing long enough yet for the header
  assert.deepEqual((await s.api('GET', '/api/v1/notifications/status', { token: admin })).body, { failing: [] });
  // two more attempts (1 s, then 2 s of backoff, each with jitter), still failing: three minutes later the header warns
  const head = () => s.ctx.storage.deliveries.get(dest.id, s.ctx.storage.destinations.get(C, dest.id)!.cursor + 1);
  for (let i = 0; i < 2; i++) {
    const n = i + 2;
    clock.advance(8_000);
    await until(`attempt ${n}`, () => head()?.attempts === n);
  }
  clock.advance(3 * 60_000 - 16_000);
  await until('attempt 4', () => head()?.attempts === 4);
  const status = (await s.api('GET', '/api/v1/notifications/status', { token: admin })).body;
  assert.equal(status.failing.length, 1);
  assert.equal(status.failing[0].name, 'Backend');
  assert.match(status.failing[0].last_error, /503/);
  assert.equal(receiver.hits.length, start, 'nothing arrived while down');
  receiver.status = 200;
  clock.advance(8_000);
  await until('the four heartbeats', () => receiver.hits.length - start >= 4);
  assert.deepEqual(receiver.hits.slice(start).map((h) => h.json.Details.ChargeLevel), [70, 69, 68, 67], 'in order');
  assert.deepEqual((await s.api('GET', '/api/v1/notifications/status', { token: admin })).body, { failing: [] });
  const d = (await s.api('GET', `/api/v1/destinations/${dest.id}`, { token: admin })).body;
  assert.equal(d.health.failing_since, null);
  assert.equal(d.health.pending, 0);
  assert.ok(d.health.last_success_at, 'd.health.last_success_at');
});

test('after the attempt limit an event is a dead letter and the next goes on; redeliver one or all', async () => {
  const start = receiver.hits.length;
  receiver.status = 0; // the connection is cut
  await beat(60);
  const latest = () => s.ctx.db.prepare(`SELECT attempts, state FROM deliveries ORDER BY event_id DESC LIMIT 1`).get() as { attempts: number; state: string };
  await until('attempt 1', () => latest().attempts === 1 && latest().state === 'retrying');
  for (let n = 2; n <= 5; n++) {
    clock.advance(8_000);
    await until(`attempt ${n}`, () => latest().attempts === n);
  }
  const dead = await until('a dead letter', async () => (await s.api('GET', `/api/v1/deliveries?state=dead`, { token: admin })).body.deliveries[0]);
  assert.equal(dead.attempts, 5);
  assert.equal(dead.event, 'HeartbeatReceived');
  assert.equal(dead.device_id, 'van-01');
  assert.equal(dead.destination_name, 'Backend');
  assert.match(dead.last_error, /closed by the receiver|the send failed|socket/i);
  receiver.status = 200;
  await beat(59);
  await until('the next event', () => receiver.hits.slice(start).some((h) => h.json.Details.ChargeLevel === 59));
  assert.equal(receiver.hits.slice(start).some((h) => h.json.Details.ChargeLevel === 60), false);
  assert.equal((await s.api('GET', `/api/v1/destinations/${dest.id}`, { token: admin })).body.health.dead, 1);

  const wrong = await s.api('POST', '/api/v1/deliveries/redeliver', { token: admin, body: {} });
  assert.equal(wrong.status, 400);
  const other = await s.api('POST', '/api/v1/deliveries/redeliver', { token: s.token('globex', 'gboss'), body: { id: dead.id } });
  assert.equal(other.status, 404, "another company's dead letter is not theirs to redeliver");
  const r = await s.api('POST', '/api/v1/deliveries/redeliver', { token: admin, body: { id: dead.id } });
  assert.deepEqual(r.body, { redelivered: 1 });
  const back = await until('the redelivered event', () => receiver.hits.slice(start).find((h) => h.json.Details.ChargeLevel === 60));
  assert.equal(back.headers['webhook-id'], dead.event_id, 'same event id');
  const row = (await s.api('GET', `/api/v1/deliveries?destination=${dest.id}&event=HeartbeatReceived&limit=200`, { token: admin })).body.deliveries.find((x: any) => x.id === dead.id);
  assert.equal(row.state, 'delivered');
  assert.equal((await s.api('POST', '/api/v1/deliveries/redeliver', { token: admin, body: { all: true } })).body.redelivered, 0);
});

test('the delivery log pages backwards and filters; bad queries are refused', async () => {
  const p1 = (await s.api('GET', '/api/v1/deliveries?limit=2', { token: admin })).body;
  assert.equal(p1.deliveries.length, 2);
  assert.ok(p1.deliveries[0].id > p1.deliveries[1].id, 'p1.deliveries[0].id > p1.deliveries[1].id');
  const p2 = (await s.api('GET', `/api/v1/deliveries?limit=2&before=${p1.next_before}`, { token: admin })).body;
  assert.ok(p2.deliveries.every((d: any) => d.id < p1.next_before), 'p2.deliveries.every((d: any) => d.id < p1.next_before)');
  assert.equal((await s.api('GET', '/api/v1/deliveries?state=delivered&event=SosReceived', { token: admin })).body.deliveries.length, 0);
  assert.equal((await s.api('GET', '/api/v1/deliveries?state=lost', { token: admin })).status, 400);
  assert.equal((await s.api('GET', '/api/v1/deliveries?limit=0', { token: admin })).status, 400);
  assert.deepEqual((await s.api('GET', '/api/v1/deliveries', { token: s.token('globex', 'gboss') })).body.deliveries, [], 'other companies see none');
});

test('edit keeps the secret unless replaced; filters apply; disabled destinations wait; others cannot see it; delete', async () => {
  const patched = await s.api('PATCH', `/api/v1/destinations/${dest.id}`, { token: admin, body: { name: 'Backend EU', settings: { headers: { 'x-tenant': 'acme-eu' } } } });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.deepEqual(patched.body.secrets_set, ['secret']);
  assert.equal(patched.body.name, 'Backend EU');
  const start = receiver.hits.length;
  await beat(55);
  const hit = await until('after the edit', () => receiver.hits[start]);
  assert.equal(hit.headers['x-tenant'], 'acme-eu');
  assert.doesNotThrow(() => new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>), 'the stored secret was kept');

  // only SOS from now on: heartbeats pass by
  await s.api('PATCH', `/api/v1/destinations/${dest.id}`, { token: admin, body: { events: ['SosReceived'] } });
  await beat(54);
  seq++;
  sock.send({ action: 'alert', id: 'van-01', seq, payload: { kind: 'sos', timestamp: Date.now() } });
  await sock.next((m) => m.type === 'ack' && m.seq === seq);
  const sos = await until('the SOS', () => receiver.hits.slice(start + 1).find((h) => h.json.Event === 'SosReceived'));
  assert.equal(receiver.hits.slice(start + 1).some((h) => h.json.Event === 'HeartbeatReceived'), false);
  assert.equal(sos.json.Object.Type, 'Alert');
  assert.match(sos.json.Object.Url, new RegExp(`^${s.url}/api/v1/alerts/\\d+$`));
  // Object.Url answers the dataset to a backend holding a company API key
  const key = (await s.api('POST', '/api/v1/api-keys', { token: admin, body: { name: 'Backend' } })).body.key;
  const fetched = await fetch(sos.json.Object.Url, { headers: { 'x-api-key': key } });
  assert.equal(fetched.status, 200);
  assert.equal(((await fetched.json()) as any).kind, 'sos');
  assert.equal((await fetch(sos.json.Object.Url)).status, 401);

  assert.equal((await s.api('GET', `/api/v1/destinations/${dest.id}`, { token: s.token('globex', 'gboss') })).status, 404);
  assert.equal((await s.api('PATCH', `/api/v1/destinations/${dest.id}`, { token: s.token('globex', 'gboss'), body: { enabled: false } })).status, 404);
  assert.equal((await s.api('PATCH', `/api/v1/destinations/${dest.id}`, { token: admin, body: { settings: { url: 'nope' } } })).status, 400);

  await s.api('PATCH', `/api/v1/destinations/${dest.id}`, { token: admin, body: { enabled: false, events: ['HeartbeatReceived'] } });
  const n = receiver.hits.length;
  await beat(53);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(receiver.hits.length, n, 'disabled: nothing sent');
  assert.equal((await s.api('GET', `/api/v1/destinations/${dest.id}`, { token: admin })).body.health.pending, 1, 'it waits');
  await s.api('PATCH', `/api/v1/destinations/${dest.id}`, { token: admin, body: { enabled: true } });
  await until('the waiting heartbeat', () => receiver.hits.slice(n).find((h) => h.json.Details.ChargeLevel === 53));

  assert.equal((await s.api('DELETE', `/api/v1/destinations/${dest.id}`, { token: admin })).status, 204);
  assert.equal((await s.api('DELETE', `/api/v1/destinations/${dest.id}`, { token: admin })).status, 404);
  assert.deepEqual((await s.api('GET', '/api/v1/deliveries', { token: admin })).body.deliveries, [], 'its log went with it');
});

test('an https receiver behind a private CA: refused as untrusted, then delivered once its CA is in notify.extraCa', async () => {
  const cert = await selfSignedCertificate();
  const https = await startHttpsReceiver((_req, res) => res.writeHead(204).end(), cert);
  const plain = await startTestServer();
  const trusting = await startTestServer({ notify: { extraCa: [cert.cert] } });
  try {
    for (const [srv, ok] of [
      [plain, false],
      [trusting, true],
    ] as const) {
      srv.company(C);
      await srv.user(C, 'boss', 'admin');
      const t = srv.token(C, 'boss');
      const d = await srv.api('POST', '/api/v1/destinations', { token: t, body: { name: 'Private CA', provider: 'webhook', settings: { url: `${https.origin}/hook` } } });
      assert.equal(d.status, 201);
      const r = (await srv.api('POST', `/api/v1/destinations/${d.body.id}/test`, { token: t })).body;
      assert.equal(r.ok, ok, JSON.stringify(r));
      if (!ok) assert.match(r.error, /certificate is not trusted/);
      else assert.equal(r.status, 204);
    }
    assert.equal(https.received.length, 1, 'only the trusting server got through');
  } finally {
    await plain.stop();
    await trusting.stop();
    await https.close();
  }
});

test('retention: heartbeat events every destination has passed are forgotten after the retention; a destination behind keeps them', async () => {
  const clockR = new ManualClock();
  const srv = await startTestServer({ clock: clockR, notify: { logRetentionMs: 24 * 3600_000 } });
  try {
    srv.company(C);
    await srv.user(C, 'van-09', 'driver');
    const off = srv.ctx.destinations.create(C, { name: 'Off', provider: 'webhook', settings: { url: 'https://backend.example.com/x' }, enabled: false });
    const device = { pk: srv.ctx.users.get(C, 'van-09')!.pk, company_id: C, user_id: 'van-09' };
    srv.ctx.deviceStatus.report(device, { battery: 50 }, 'test');
    srv.ctx.deviceStatus.report(device, { battery: 49 }, 'test');
    const count = () => (srv.ctx.db.prepare(`SELECT count(*) n FROM events WHERE event = 'HeartbeatReceived'`).get() as { n: number }).n;
    assert.equal(count(), 2);
    clockR.advance(25 * 3600_000); // the hourly sweep runs on the way
    assert.equal(count(), 2, 'the disabled destination has not passed them: kept');
    srv.ctx.destinations.remove(C, off.id);
    // the newest event of all stays (its id must never be handed out again)
    assert.deepEqual(srv.ctx.outbox.prune(), { deliveries: 0, heartbeats: 1 });
    assert.equal(count(), 1);
  } finally {
    await srv.stop();
  }
});
