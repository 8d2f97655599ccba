/**
 * Device keys and the driver app's sign-in: every driver has a strong key (office/admin only),
 * rotating it or disabling the driver refuses new sessions at once and closes open sockets at
 * the next re-check, one-time enrolment links (used, unknown, expired, wrong purpose), the
 * login limiter on failures, and bad bodies.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { createLoginLink } from '../../main/server/login-links';
import { CLOSE } from '../../shared/protocol/tracking';
import { rotateDeviceKey } from '../../main/server/devices/device-keys';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

let s: TestServer;
let admin: string;
let office: string;
let betaOffice: string;
const sockets: TestSocket[] = [];
let nextId = 0;

async function driver(): Promise<string> {
  const id = `DR_${++nextId}`;
  await s.user('acme', id, 'driver', { display_name: `Van ${nextId}` });
  return id;
}

async function socket(): Promise<TestSocket> {
  const sock = await TestSocket.open(s.wsUrl);
  sockets.push(sock);
  return sock;
}

const keyOf = async (id: string) => {
  const r = await s.api('GET', `/api/v1/devices/${id}/key`, { token: office });
  assert.equal(r.status, 200);
  return r.body.device_key as string;
};
const session = (deviceKey: unknown) => s.api('POST', '/api/v1/driver/session', { body: { device_key: deviceKey } });
const enrol = (code: unknown) => s.api('POST', '/api/v1/driver/enrol', { body: { code } });
const newEnrolment = (id: string, body: unknown = {}) => s.api('POST', `/api/v1/devices/${id}/enrolment`, { token: office, body });

before(async () => {
  // A quick re-check of open sockets; a generous limiter so the 401 cases do not trip it
  // (the limiter has its own server below).
  s = await startTestServer({ ws: { pingIntervalMs: 200 }, login: { maxPerAccount: 1000, maxPerAddress: 1000 } });
  s.company('acme', 'Acme Logistics');
  s.company('beta');
  await s.user('acme', 'boss', 'admin');
  await s.user('acme', 'ops', 'office');
  await s.user('beta', 'ops', 'office');
  admin = s.token('acme', 'boss');
  office = s.token('acme', 'ops');
  betaOffice = s.token('beta', 'ops');
});

afterEach(() => {
  for (const sock of sockets.splice(0)) sock.ws.terminate();
});

after(() => s.stop());

describe('the device key', () => {
  test('every driver has a strong random key, shown to office and admin of its company only', async () => {
    const a = await driver();
    const b = await driver();
    const r = await s.api('GET', `/api/v1/devices/${a}/key`, { token: office });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), ['device_id', 'device_key', 'strong']);
    assert.equal(r.body.device_id, a);
    assert.match(r.body.device_key, /^[A-Za-z0-9_-]{24,}$/);
    assert.equal(r.body.strong, true);
    assert.equal((await s.api('GET', `/api/v1/devices/${a}/key`, { token: admin })).body.device_key, r.body.device_key);
    assert.notEqual(await keyOf(b), r.body.device_key);
    assert.equal(s.ctx.users.getByDeviceKey(r.body.device_key)?.user_id, a);

    const asDriver = await s.api('GET', `/api/v1/devices/${a}/key`, { token: s.token('acme', a) });
    assert.equal(asDriver.status, 403);
    assert.equal(asDriver.body.error, 'Forbidden');
    const other = await s.api('GET', `/api/v1/devices/${a}/key`, { token: betaOffice });
    assert.equal(other.status, 404);
    assert.equal(other.body.error, 'NotFound');
    assert.equal((await s.api('GET', `/api/v1/devices/${a}/key`)).status, 401);
    assert.equal((await s.api('GET', '/api/v1/devices/ops/key', { token: office })).status, 404, 'office users are not devices');
    assert.equal((await s.api('GET', '/api/v1/devices/nobody/key', { token: office })).status, 404);
    for (const [method, p] of [
      ['POST', `/api/v1/devices/${a}/key/rotate`],
      ['POST', `/api/v1/devices/${a}/enrolment`],
    ] as const) {
      assert.equal((await s.api(method, p, { token: s.token('acme', a), body: {} })).status, 403, p);
      assert.equal((await s.api(method, p, { token: betaOffice, body: {} })).status, 404, p);
    }
    assert.equal(await keyOf(a), r.body.device_key, 'refused calls changed nothing');
  });

  test('the key gets a driver session whose token authenticates on /v1/track', async () => {
    const a = await driver();
    const r = await session(await keyOf(a));
    assert.equal(r.status, 200);
    assert.equal(r.body.user_id, a);
    assert.equal(r.body.company_id, 'acme');
    assert.equal(r.body.company_name, 'Acme Logistics');
    assert.equal(r.body.name, `Van ${nextId}`);
    assert.equal(r.body.device_key, await keyOf(a));
    assert.deepEqual(r.body.settings, { crash_threshold_g: 4, heartbeat_interval_s: 180, min_interval_ms: 1000, max_batch: 200 });
    assert.ok(Date.parse(r.body.expires_at) > Date.now(), 'Date.parse(r.body.expires_at) > Date.now()');
    const sock = await socket();
    assert.deepEqual(await sock.authenticate(a, 'driver', r.body.token), { type: 'authenticated', user_id: a, role: 'driver', company: 'acme' });
    // an office user's key (every user row has one) is not a driver's
    const officeKey = s.ctx.users.get('acme', 'ops')!.device_key;
    assert.equal((await session(officeKey)).status, 401);
    const unknown = await session('no-such-key-at-all-1234');
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, 'Unauthorized');
    assert.match(unknown.body.message, /not valid/);
  });

  test('rotating gives a new key; the old key gets no session and an open socket is closed with 4003', async () => {
    const a = await driver();
    const oldKey = await keyOf(a);
    const old = await session(oldKey);
    assert.equal(old.status, 200);
    const sock = await socket();
    assert.equal((await sock.authenticate(a, 'driver', old.body.token)).type, 'authenticated');

    const rotated = await s.api('POST', `/api/v1/devices/${a}/key/rotate`, { token: office });
    assert.equal(rotated.status, 200);
    assert.equal(rotated.body.device_id, a);
    assert.match(rotated.body.device_key, /^[A-Za-z0-9_-]{24,}$/);
    assert.notEqual(rotated.body.device_key, oldKey);
    assert.equal(rotated.body.strong, true);
    assert.equal(await keyOf(a), rotated.body.device_key);

    const refused = await session(oldKey);
    assert.equal(refused.status, 401);
    assert.match(refused.body.message, /replaced by the office/);
    const closed = await sock.closed;
    assert.equal(closed.code, CLOSE.accessRevoked);
    assert.match(closed.reason, /revoked/);
    // a new socket with the old session's token is refused; the new key works
    const again = await socket();
    const reply = await again.authenticate(a, 'driver', old.body.token);
    assert.equal(reply.type, 'error');
    assert.equal(reply.error, 'Unauthorized');
    const fresh = await session(rotated.body.device_key);
    assert.equal(fresh.status, 200);
    assert.equal((await again.authenticate(a, 'driver', fresh.body.token)).type, 'authenticated');
    // an admin may rotate too
    const byAdmin = await s.api('POST', `/api/v1/devices/${a}/key/rotate`, { token: admin });
    assert.equal(byAdmin.status, 200);
    assert.notEqual(byAdmin.body.device_key, rotated.body.device_key);
  });

  test('disabling the driver refuses the session and closes its socket; enabling lets it back in', async () => {
    const a = await driver();
    const key = await keyOf(a);
    const ok = await session(key);
    const sock = await socket();
    assert.equal((await sock.authenticate(a, 'driver', ok.body.token)).type, 'authenticated');
    const patched = await s.api('PATCH', `/api/v1/users/${a}`, { token: admin, body: { disabled: true } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.disabled, true);
    const refused = await session(key);
    assert.equal(refused.status, 401);
    assert.match(refused.body.message, /disabled/);
    assert.equal((await sock.closed).code, CLOSE.accessRevoked);
    // no enrolment link for a disabled driver either
    const link = await newEnrolment(a);
    assert.equal(link.status, 400);
    assert.match(link.body.message, /disabled/);

    assert.equal((await s.api('PATCH', `/api/v1/users/${a}`, { token: admin, body: { disabled: false } })).status, 200);
    assert.equal((await session(key)).status, 200, 'the key itself did not change');
  });
});

describe('enrolment links', () => {
  test('a link redeems once for a DriverSession with the device key; its token works on /v1/track', async () => {
    const a = await driver();
    const made = await newEnrolment(a);
    assert.equal(made.status, 200);
    assert.match(made.body.code, /^[A-Za-z0-9_-]{40,}$/);
    assert.equal(made.body.path, `/driver#enrol=${made.body.code}`);
    const ttl = Date.parse(made.body.expires_at) - Date.now();
    assert.ok(ttl > 23.9 * 3600_000 && ttl <= 24 * 3600_000, 'a day by default');

    const r = await enrol(made.body.code);
    assert.equal(r.status, 200);
    assert.equal(r.body.device_key, await keyOf(a));
    assert.equal(r.body.user_id, a);
    assert.equal(r.body.company_id, 'acme');
    assert.equal(typeof r.body.settings.crash_threshold_g, 'number');
    const sock = await socket();
    assert.equal((await sock.authenticate(a, 'driver', r.body.token)).type, 'authenticated');
    sock.send({ action: 'heartbeat', id: a, seq: 1, payload: { battery: 90 } });
    assert.deepEqual(await sock.next(), { type: 'ack', seq: 1 });

    const used = await enrol(made.body.code);
    assert.equal(used.status, 401);
    assert.equal(used.body.error, 'Unauthorized');
    assert.match(used.body.message, /already used/);
  });

  test('unknown, expired and wrong-purpose codes are refused with 401', async () => {
    const a = await driver();
    const unknown = await enrol('this-code-was-never-issued');
    assert.equal(unknown.status, 401);
    assert.match(unknown.body.message, /not valid/);

    const short = await newEnrolment(a, { ttl_seconds: 60 });
    assert.equal(short.status, 200);
    assert.ok(Date.parse(short.body.expires_at) - Date.now() <= 60_000, 'Date.parse(short.body.expires_at) - Date.now() <= 60_000');
    s.ctx.db.prepare('UPDATE login_links SET expires_at = ? WHERE expires_at = ?').run(Date.now() - 1000, Date.parse(short.body.expires_at));
    const expired = await enrol(short.body.code);
    assert.equal(expired.status, 401);
    assert.match(expired.body.message, /expired/);

    // an office sign-in link is no enrolment link, and an enrolment link signs no one in
    const login = createLoginLink(s.ctx.accounts, 'acme', 'ops');
    const asEnrol = await enrol(login.code);
    assert.equal(asEnrol.status, 401);
    assert.match(asEnrol.body.message, /enrolment link is not valid/);
    const enrolment = await newEnrolment(a);
    const asLogin = await s.api('POST', '/api/v1/auth/link', { body: { code: enrolment.body.code } });
    assert.equal(asLogin.status, 401);
    assert.match(asLogin.body.message, /sign-in link is not valid/);
    // both still work for what they were made for
    assert.equal((await s.api('POST', '/api/v1/auth/link', { body: { code: login.code } })).status, 200);
    assert.equal((await enrol(enrolment.body.code)).status, 200);
  });

  test('bad bodies and bad ttl are 400 with a message; nothing is consumed', async () => {
    const a = await driver();
    for (const ttl of [59, 7 * 24 * 3600 + 1, 1.5, '3600']) {
      const r = await newEnrolment(a, { ttl_seconds: ttl });
      assert.equal(r.status, 400, `ttl ${JSON.stringify(ttl)}`);
      assert.equal(r.body.error, 'BadRequest');
    }
    assert.equal((await newEnrolment(a, { ttl: 60 })).status, 400, 'unknown property');
    for (const body of [{}, { code: '' }, { code: 5 }, { code: 'x'.repeat(201) }, { code: 'abc', extra: 1 }, '[]', 'not json']) {
      const r = await s.api('POST', '/api/v1/driver/enrol', { body });
      assert.equal(r.status, 400, `enrol ${JSON.stringify(body)}`);
      assert.equal(typeof r.body.message, 'string');
    }
    for (const body of [{}, { device_key: '' }, { device_key: 42 }, { device_key: 'k'.repeat(129) }, { device_key: 'abc', user: 'x' }]) {
      const r = await s.api('POST', '/api/v1/driver/session', { body });
      assert.equal(r.status, 400, `session ${JSON.stringify(body)}`);
      assert.equal(r.body.error, 'BadRequest');
    }
  });
});

describe('the limiter', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    t.company('acme');
    await t.user('acme', 'DR_1', 'driver');
    await t.user('acme', 'ops', 'office');
  });
  after(() => t.stop());

  test('a phone retrying a replaced key is told so every time and never locks out the phones beside it', async () => {
    const post = (p: string, body: unknown) => t.api('POST', p, { body });
    await t.user('acme', 'DR_9', 'driver');
    const old = t.ctx.users.get('acme', 'DR_9')!.device_key;
    rotateDeviceKey(t.ctx.accounts, 'acme', 'DR_9');
    for (let i = 0; i < 60; i++) {
      const r = await post('/api/v1/driver/session', { device_key: old });
      assert.equal(r.status, 401, `attempt ${i + 1}`);
      assert.match(r.body.message, /replaced by the office/);
    }
    // Another phone at the same address (a depot behind one NAT) still signs in.
    const key = t.ctx.users.get('acme', 'DR_1')!.device_key;
    assert.equal((await post('/api/v1/driver/session', { device_key: key })).status, 200);
    // bad bodies are still 400 (validation comes first)
    assert.equal((await post('/api/v1/driver/session', {})).status, 400);
  });

  test('guessing keys from one address: after the limit every request from it waits (429, retry-after), a right key too; others are not affected', async () => {
    const u = await startTestServer({ login: { maxPhoneFailures: 8 } });
    try {
      u.company('acme');
      await u.user('acme', 'DR_1', 'driver');
      const post = (p: string, body: unknown) => u.api('POST', p, { body });
      for (let i = 0; i < 8; i++) assert.equal((await post('/api/v1/driver/session', { device_key: `guess-${i}-aaaaaaaaaaaaaaaa` })).status, 401);
      const limited = await post('/api/v1/driver/session', { device_key: 'guess-9-aaaaaaaaaaaaaaaa' });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error, 'RateLimited');
      assert.match(limited.body.message, /try again in \d+ (s|min)/);
      const wait = Number(limited.headers.get('retry-after'));
      assert.ok(Number.isInteger(wait) && wait > 0 && wait <= 10 * 60, `retry-after ${wait}`);
      // enrolment codes and every phone route share the address's count, and a correct key waits too
      assert.equal((await post('/api/v1/driver/enrol', { code: 'whatever' })).status, 429);
      const key = u.ctx.users.get('acme', 'DR_1')!.device_key;
      assert.equal((await post('/api/v1/driver/session', { device_key: key })).status, 429);
      assert.equal((await fetch(`${u.url}/osmand?id=${key}&lat=48.1&lon=11.5`)).status, 429);
      // office sign-in links are counted apart
      assert.equal((await post('/api/v1/auth/link', { code: 'nope' })).status, 401);
    } finally {
      await u.stop();
    }
  });
});

describe('cutting a phone off', () => {
  test('replacing the key, disabling or deleting the driver closes its open sockets at once, not at the next heartbeat', async () => {
    // The default heartbeat re-checks every 30 s: a close within the test's few seconds is the immediate one.
    const t = await startTestServer();
    const socks: TestSocket[] = [];
    try {
      t.company('acme');
      await t.user('acme', 'boss', 'admin');
      const admin = t.token('acme', 'boss');
      const connect = async (id: string) => {
        await t.user('acme', id, 'driver');
        const sock = await TestSocket.open(t.wsUrl);
        socks.push(sock);
        assert.equal((await sock.authenticate(id, 'driver', t.token('acme', id))).type, 'authenticated');
        return sock;
      };
      const cases: [string, () => Promise<{ status: number }>][] = [
        ['DR_rot', () => t.api('POST', '/api/v1/devices/DR_rot/key/rotate', { token: admin })],
        ['DR_off', () => t.api('PATCH', '/api/v1/users/DR_off', { token: admin, body: { disabled: true } })],
        ['DR_del', () => t.api('DELETE', '/api/v1/users/DR_del', { token: admin })],
        ['DR_rev', () => t.api('POST', '/api/v1/users/DR_rev/revoke-tokens', { token: admin })],
      ];
      for (const [id, act] of cases) {
        const sock = await connect(id);
        const bystander = await connect(`${id}_other`);
        const started = Date.now();
        assert.ok([200, 204].includes((await act()).status), id);
        const closed = await sock.closed;
        assert.equal(closed.code, CLOSE.accessRevoked, id);
        assert.ok(Date.now() - started < 10_000, `${id} closed after ${Date.now() - started} ms`);
        assert.equal(bystander.ws.readyState, bystander.ws.OPEN, `${id}: other drivers stay connected`);
      }
    } finally {
      for (const s of socks) s.ws.terminate();
      await t.stop();
    }
  });
});
