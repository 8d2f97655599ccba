/**
 * HTTP fallback of the Tracking API: POST /v1/driver/location with a driver's Bearer JWT.
 * The server runs with its defaults (minUpdateIntervalMs 900), so tests use new drivers.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { TokenService } from '../../main/server/auth/tokens';
import { DB_FILE } from '../../main/server/store/database';
import { DRIVER_LOCATION_PATH } from '../../shared/protocol/tracking';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

let s: TestServer;
let ro: Database.Database;
const sockets: TestSocket[] = [];
let nextId = 0;

const fix = (over: Record<string, unknown> = {}) => ({ lat: 9.01234, lng: 38.70321, speed: 36, bearing: 90, ...over });

async function newDriver(companyId = 'acme'): Promise<{ id: string; pk: number; token: string }> {
  const id = `DR_${++nextId}`;
  await s.user(companyId, id, 'driver');
  return { id, pk: s.ctx.users.get(companyId, id)!.pk, token: s.token(companyId, id) };
}

const post = (token: string | undefined, body: unknown, headers?: Record<string, string>) => s.api('POST', DRIVER_LOCATION_PATH, { token, body, headers });
const rows = (pk: number) => s.ctx.positions.range(pk, 0, Number.MAX_SAFE_INTEGER, 1000);

function assertError(res: { status: number; body: any }, status: number, error: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error, error, JSON.stringify(res.body));
  assert.equal(typeof res.body.message, 'string');
  assert.ok(res.body.message.length > 0, 'res.body.message.length > 0');
  assert.deepEqual(Object.keys(res.body).sort(), ['error', 'message']);
}

async function office(companyId = 'acme'): Promise<TestSocket> {
  const id = `OF_${++nextId}`;
  await s.user(companyId, id, 'office');
  const sock = new TestSocket(s.wsUrl);
  sockets.push(sock);
  await sock.opened;
  sock.send({ action: 'authenticate', payload: { user_id: id, role: 'office', token: s.token(companyId, id) } });
  sock.send({ action: 'subscribe', entity: 'company:drivers' });
  assert.equal((await sock.nextOfType('authenticated')).user_id, id);
  assert.equal((await sock.nextOfType('subscribed')).entity, 'company:drivers');
  return sock;
}

before(async () => {
  s = await startTestServer();
  s.company('acme');
  s.company('globex');
  await s.user('acme', 'boss', 'office');
  ro = new Database(path.join(s.dataDir, DB_FILE), { readonly: true, fileMustExist: true });
});

afterEach(() => {
  for (const sock of sockets.splice(0)) sock.ws.terminate();
});

after(async () => {
  ro.close();
  await s.stop();
});

describe('accepted', () => {
  test('200 {ok:true, duplicate:false} after commit, in SI units, and fanned out to offices', async () => {
    const d = await newDriver();
    const o = await office();
    const t = Math.floor(Date.now() / 1000) - 30;
    const res = await post(d.token, { id: d.id, payload: fix({ speed: 72, bearing: 370, accuracy: 8, altitude: 100 }), time_stamp: t });
    // Checked the moment the response arrives, through another SQLite connection.
    const row = ro.prepare('SELECT * FROM positions WHERE user_pk = ?').get(d.pk) as Record<string, unknown> | undefined;
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { ok: true, duplicate: false });
    assert.ok(row, 'committed before the response');
    assert.equal(row.device_time, t * 1000, 'time_stamp (epoch s) is the device time');
    assert.equal(row.speed, 20, '72 km/h is 20 m/s');
    assert.equal(row.bearing, 10);
    assert.equal(row.accuracy, 8);
    assert.equal(row.altitude, 100);
    assert.equal(row.source, 'http');
    const u = await o.next((m) => m.type === 'location_update' && m.id === d.id);
    assert.deepEqual(u, {
      type: 'location_update',
      id: d.id,
      payload: { lat: 9.01234, lng: 38.70321, speed: 72, bearing: 10, accuracy: 8, altitude: 100, timestamp: new Date(t * 1000).toISOString() },
    });
  });

  test('with "action": "driver_location" as in the WebSocket message; without time_stamp the arrival time is used', async () => {
    const d = await newDriver();
    const before_ = Date.now();
    const res = await post(d.token, { action: 'driver_location', id: d.id, payload: fix() });
    assert.deepEqual(res.body, { ok: true, duplicate: false });
    const latest = s.ctx.positions.latest(d.pk)!;
    assert.ok(latest.device_time >= before_ && latest.device_time <= Date.now(), 'latest.device_time >= before_ && latest.device_time <= Date.now()');
  });

  test('payload.timestamp is accepted too', async () => {
    const d = await newDriver();
    const res = await post(d.token, { id: d.id, payload: fix({ timestamp: '2025-04-01T10:00:00Z' }) });
    assert.deepEqual(res.body, { ok: true, duplicate: false });
    assert.equal(s.ctx.positions.latest(d.pk)!.device_time, Date.UTC(2025, 3, 1, 10));
  });

  test('the same device time again: 200 {duplicate:true}, stored once, not fanned out again', async () => {
    const d = await newDriver();
    const o = await office();
    const t = Math.floor(Date.now() / 1000) - 60;
    assert.deepEqual((await post(d.token, { id: d.id, payload: fix(), time_stamp: t })).body, { ok: true, duplicate: false });
    await o.next((m) => m.type === 'location_update' && m.id === d.id);
    await sleep(950);
    const again = await post(d.token, { id: d.id, payload: fix({ lat: 9.5 }), time_stamp: t });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { ok: true, duplicate: true });
    assert.equal(rows(d.pk).length, 1);
    assert.equal(rows(d.pk)[0]!.lat, 9.01234);
    assert.ok(await o.silentFor(300, (m) => m.id === d.id), 'await o.silentFor(300, (m) => m.id === d.id)');
  });

  test('an office of another company gets nothing', async () => {
    const d = await newDriver('globex');
    const o = await office('acme');
    assert.equal((await post(d.token, { id: d.id, payload: fix() })).status, 200);
    assert.ok(await o.silentFor(300, (m) => m.id === d.id), 'await o.silentFor(300, (m) => m.id === d.id)');
  });
});

describe('refused', () => {
  test('401 Unauthorized without a token, with a bad or expired one, or for a revoked or disabled user', async () => {
    const d = await newDriver();
    const body = { id: d.id, payload: fix() };
    const forged = new TokenService(Buffer.from('y'.repeat(64))).sign({ userId: d.id, userPk: s.ctx.users.get('acme', d.id)!.pk, role: 'driver', company: 'acme', tokenVersion: 0 }, 3600).token;
    const expired = s.ctx.tokens.sign({ userId: d.id, userPk: s.ctx.users.get('acme', d.id)!.pk, role: 'driver', company: 'acme', tokenVersion: 0 }, -60).token;
    for (const res of [
      await post(undefined, body),
      await post('garbage', body),
      await post(forged, body),
      await post(expired, body),
      await post(undefined, body, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }),
    ]) {
      assertError(res, 401, 'Unauthorized');
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    }
    const revoked = await newDriver();
    s.ctx.users.revokeTokens('acme', revoked.id);
    assertError(await post(revoked.token, { id: revoked.id, payload: fix() }), 401, 'Unauthorized');
    const disabled = await newDriver();
    s.ctx.users.update('acme', disabled.id, { disabled: true });
    assertError(await post(disabled.token, { id: disabled.id, payload: fix() }), 401, 'Unauthorized');
    assert.equal(rows(d.pk).length + rows(revoked.pk).length + rows(disabled.pk).length, 0);
  });

  test('401 comes before body validation', async () => {
    assertError(await post(undefined, { nonsense: true }), 401, 'Unauthorized');
    assertError(await post(undefined, '{not json'), 401, 'Unauthorized');
  });

  test('403 Forbidden for an office or admin token, and for another driver’s id', async () => {
    const d = await newDriver();
    const other = await newDriver();
    await s.user('acme', 'OF_HTTP', 'office');
    await s.user('acme', 'AD_HTTP', 'admin');
    assertError(await post(s.token('acme', 'OF_HTTP'), { id: 'OF_HTTP', payload: fix() }), 403, 'Forbidden');
    assertError(await post(s.token('acme', 'OF_HTTP'), { id: d.id, payload: fix() }), 403, 'Forbidden');
    assertError(await post(s.token('acme', 'AD_HTTP'), { id: d.id, payload: fix() }), 403, 'Forbidden');
    assertError(await post(d.token, { id: other.id, payload: fix() }), 403, 'Forbidden');
    assert.equal(rows(d.pk).length + rows(other.pk).length, 0);
    // Neither used up the driver's rate-limit slot.
    assert.equal((await post(d.token, { id: d.id, payload: fix() })).status, 200);
  });

  test('400 BadPayload for schema errors, unreadable values and an invalid JSON body; nothing stored', async () => {
    const d = await newDriver();
    const { lat: _lat, ...noLat } = fix();
    const { bearing: _b, ...noBearing } = fix();
    const bad: [string, unknown][] = [
      ['no payload', { id: d.id }],
      ['no id', { payload: fix() }],
      ['no lat', { id: d.id, payload: noLat }],
      ['no bearing', { id: d.id, payload: noBearing }],
      ['lat not a number', { id: d.id, payload: fix({ lat: 'north' }) }],
      ['speed not a number', { id: d.id, payload: fix({ speed: 'fast' }) }],
      ['lat a numeric string (no coercion)', { id: d.id, payload: fix({ lat: '9.1' }) }],
      ['speed null', { id: d.id, payload: fix({ speed: null }) }],
      ['bearing a boolean', { id: d.id, payload: fix({ bearing: true }) }],
      ['bad timestamp', { id: d.id, payload: fix({ timestamp: 'yesterday' }) }],
      ['lenient-looking timestamp', { id: d.id, payload: fix({ timestamp: 'hello 2020' }) }],
      ['time_stamp not a number', { id: d.id, payload: fix(), time_stamp: 'now' }],
      ['negative time_stamp', { id: d.id, payload: fix(), time_stamp: -1 }],
      ['wrong action', { action: 'subscribe', id: d.id, payload: fix() }],
      ['a JSON array', [fix()]],
      ['invalid JSON', '{"id": "x", "payload": {'],
      ['empty JSON body', ''],
    ];
    for (const [what, body] of bad) {
      const res = await post(d.token, body);
      assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, 'BadPayload', `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(typeof res.body.message, 'string', what);
    }
    assert.equal(rows(d.pk).length, 0);
    assert.equal((await post(d.token, { id: d.id, payload: fix() })).status, 200, 'none used up the rate-limit slot');
  });

  test('a fix that can never be stored: 200 {ok, dropped: reason}, counted, nothing stored, no rate-limit slot used', async () => {
    const d = await newDriver();
    const cases: [string, unknown, string, RegExp][] = [
      ['lat > 90', fix({ lat: 90.5 }), 'out_of_range', /not on the globe/],
      ['lat < -90', fix({ lat: -90.5 }), 'out_of_range', /not on the globe/],
      ['lng > 180', fix({ lng: 180.5 }), 'out_of_range', /not on the globe/],
      ['lng < -180', fix({ lng: -200 }), 'out_of_range', /not on the globe/],
      ['negative speed', fix({ speed: -3 }), 'impossible_speed', /-3 km\/h is impossible/],
      ['speed 2500 km/h', fix({ speed: 2500 }), 'impossible_speed', /2500 km\/h is impossible/],
      ['0,0', fix({ lat: 0, lng: 0 }), 'zero_position', /0,0/],
      ['1999', fix({ timestamp: '1999-06-01T12:00:00Z' }), 'bad_time', /1999-06-01, before the year 2000/],
    ];
    for (const [what, payload, reason, message] of cases) {
      const res = await post(d.token, { id: d.id, payload });
      assert.equal(res.status, 200, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.ok, true, what);
      assert.equal(res.body.duplicate, false, what);
      assert.equal(res.body.dropped.reason, reason, what);
      assert.match(res.body.dropped.message, message, what);
    }
    assert.equal(rows(d.pk).length, 0);
    const counts = (await s.api('GET', `/api/v1/devices/${d.id}/reception`, { token: s.token('acme', 'boss') })).body;
    assert.deepEqual(Object.fromEntries(counts.dropped.map((x: { reason: string; count: number }) => [x.reason, x.count])), { out_of_range: 4, impossible_speed: 2, zero_position: 1, bad_time: 1 });
    assert.equal(counts.dropped_total, 8);
    assert.ok(counts.dropped.every((x: { last_source: string }) => x.last_source === 'http'), 'counts.dropped.every((x: { last_source: string }) => x.last_source === \'http\')');
    assert.deepEqual((await post(d.token, { id: d.id, payload: fix() })).body, { ok: true, duplicate: false }, 'none used up the rate-limit slot');
  });

  test('a time_stamp two days ahead (a wrong phone clock) is stored at arrival time, the phone time kept', async () => {
    const d = await newDriver();
    const ahead = Math.floor(Date.now() / 1000) + 2 * 86_400;
    const before = Date.now();
    assert.deepEqual((await post(d.token, { id: d.id, payload: fix(), time_stamp: ahead })).body, { ok: true, duplicate: false });
    const [row] = rows(d.pk);
    assert.ok(row && row.device_time >= before && row.device_time <= Date.now(), 'row && row.device_time >= before && row.device_time <= Date.now()');
    assert.equal(row.reported_time, ahead * 1000);
    const latest = await s.api('GET', '/api/v1/positions/latest', { token: s.token('acme', 'boss') });
    const mine = latest.body.find((x: { id: string }) => x.id === d.id);
    assert.equal(mine.position.reported_time, new Date(ahead * 1000).toISOString());
  });

  test('429 RateLimited for a second update within a second; neither stored nor fanned out; later accepted', async () => {
    const d = await newDriver();
    const o = await office();
    const t = Math.floor(Date.now() / 1000) - 100;
    assert.equal((await post(d.token, { id: d.id, payload: fix(), time_stamp: t })).status, 200);
    const second = await post(d.token, { id: d.id, payload: fix({ lat: 9.9 }), time_stamp: t + 1 });
    assertError(second, 429, 'RateLimited');
    assert.equal(rows(d.pk).length, 1);
    assert.equal((await o.next((m) => m.id === d.id)).payload.lat, 9.01234);
    assert.ok(await o.silentFor(200, (m) => m.id === d.id), 'the refused update is not fanned out');
    await sleep(950);
    assert.deepEqual((await post(d.token, { id: d.id, payload: fix({ lat: 9.8 }), time_stamp: t + 2 })).body, { ok: true, duplicate: false });
    assert.equal(rows(d.pk).length, 2);
  });
});
