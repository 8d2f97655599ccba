/**
 * Tracking API (/v1/track): a driver's `driver_location` — storage in SI units, device
 * times, acks after commit, duplicates, every error reply, and the per-driver rate limit.
 * The server runs with its defaults (minUpdateIntervalMs 900), so each test uses new drivers.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../main/server/store/database';
import { MAX_MESSAGE_BYTES } from '../../shared/protocol/tracking';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

let s: TestServer;
let ro: Database.Database;
const sockets: TestSocket[] = [];
let nextId = 0;

const RATE_WAIT_MS = 950; // just over the server's default minUpdateIntervalMs (900)

async function open(): Promise<TestSocket> {
  const sock = new TestSocket(s.wsUrl);
  sockets.push(sock);
  await sock.opened;
  return sock;
}

/** A new user of `acme` with an authenticated socket. */
async function connect(role: 'driver' | 'office' = 'driver', companyId = 'acme'): Promise<{ id: string; pk: number; sock: TestSocket }> {
  const id = `${role === 'driver' ? 'DR' : 'OF'}_${++nextId}`;
  await s.user(companyId, id, role);
  const sock = await open();
  const reply = await sock.authenticate(id, role, s.token(companyId, id));
  assert.equal(reply.type, 'authenticated');
  return { id, pk: s.ctx.users.get(companyId, id)!.pk, sock };
}

const fix = (over: Record<string, unknown> = {}) => ({ lat: 9.01234, lng: 38.70321, speed: 36, bearing: 90, ...over });
const loc = (id: string, payload: unknown, seq?: number) => ({ action: 'driver_location', id, ...(seq === undefined ? {} : { seq }), payload });
const rows = (pk: number) => s.ctx.positions.range(pk, 0, Number.MAX_SAFE_INTEGER, 1000);

/** Expects exactly this error reply next, with a non-empty message. */
async function expectError(sock: TestSocket, error: string, seq?: number): Promise<string> {
  const m = await sock.next();
  assert.equal(m.type, 'error', `expected an error, got ${JSON.stringify(m)}`);
  assert.equal(m.error, error, `expected ${error}, got ${JSON.stringify(m)}`);
  assert.equal(typeof m.message, 'string');
  assert.ok(m.message.length > 0, 'm.message.length > 0');
  const expected: Record<string, unknown> = { type: 'error', error, message: m.message };
  if (seq !== undefined) expected.seq = seq;
  assert.deepEqual(m, expected);
  return m.message as string;
}

before(async () => {
  // Positions here are labels (lat 9.5, 10.5…), not a drive: jumps are not judged.
  s = await startTestServer({ maxPlausibleSpeedMs: Infinity });
  s.company('acme');
  ro = new Database(path.join(s.dataDir, DB_FILE), { readonly: true, fileMustExist: true });
});

afterEach(() => {
  for (const sock of sockets.splice(0)) sock.ws.terminate();
});

after(async () => {
  ro.close();
  await s.stop();
});

describe('storing positions', () => {
  test('a position is stored in SI units (speed m/s) with accuracy, altitude and the device time', async () => {
    const d = await connect();
    const t = Date.now() - 5000;
    d.sock.send(loc(d.id, fix({ speed: 36, bearing: 90, accuracy: 4.5, altitude: 2350, timestamp: t }), 1));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 });
    const latest = s.ctx.positions.latest(d.pk)!;
    assert.equal(latest.lat, 9.01234);
    assert.equal(latest.lng, 38.70321);
    assert.equal(latest.speed, 10, '36 km/h is stored as 10 m/s');
    assert.equal(latest.bearing, 90);
    assert.equal(latest.accuracy, 4.5);
    assert.equal(latest.altitude, 2350);
    assert.equal(latest.device_time, t);
    assert.equal(latest.source, 'ws');
    assert.ok(Math.abs(latest.server_time - Date.now()) < 5000, 'Math.abs(latest.server_time - Date.now()) < 5000');
    assert.deepEqual(
      rows(d.pk).map((r) => r.device_time),
      [t],
    );
  });

  test('without accuracy/altitude they are stored as null; without timestamp the device time is the arrival time', async () => {
    const d = await connect();
    const before_ = Date.now();
    d.sock.send(loc(d.id, fix({ speed: 50, bearing: -90 }), 2));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 2 });
    const latest = s.ctx.positions.latest(d.pk)!;
    assert.ok(Math.abs(latest.speed - 50 / 3.6) < 1e-9, `50 km/h is ${50 / 3.6} m/s, stored ${latest.speed}`);
    assert.equal(latest.bearing, 270, 'bearing -90 is normalised to 270');
    assert.equal(latest.accuracy, null);
    assert.equal(latest.altitude, null);
    assert.ok(latest.device_time >= before_ && latest.device_time <= Date.now(), 'latest.device_time >= before_ && latest.device_time <= Date.now()');
    assert.equal(latest.device_time, latest.server_time);
  });

  test('timestamp as epoch milliseconds, epoch seconds and ISO-8601', async () => {
    const base = Date.UTC(2025, 0, 15, 10, 30, 0);
    const cases: [unknown, number][] = [
      [base, base],
      [base / 1000, base],
      [base / 1000 + 0.25, base + 250],
      ['2025-01-15T10:30:00.000Z', base],
      ['2025-01-15T12:30:00+02:00', base],
      [String(base / 1000), base],
    ];
    for (const [timestamp, expected] of cases) {
      const d = await connect();
      d.sock.send(loc(d.id, fix({ timestamp }), 1));
      assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 }, `timestamp ${JSON.stringify(timestamp)}`);
      assert.equal(s.ctx.positions.latest(d.pk)!.device_time, expected, `timestamp ${JSON.stringify(timestamp)}`);
    }
  });

  test('the ack arrives only after the row is committed (seen by a second, read-only SQLite connection)', async () => {
    const d = await connect();
    const t = Date.now() - 1000;
    const query = ro.prepare<[number, number], { lat: number; speed: number }>('SELECT lat, speed FROM positions WHERE user_pk = ? AND device_time = ?');
    const seenAtAck = new Promise<{ lat: number; speed: number } | undefined>((resolve) => {
      d.sock.ws.on('message', (data) => {
        // Runs in the same tick the ack is received, before anything else can happen.
        if (JSON.parse(data.toString()).type === 'ack') resolve(query.get(d.pk, t));
      });
    });
    assert.equal(query.get(d.pk, t), undefined);
    d.sock.send(loc(d.id, fix({ timestamp: t, speed: 72 }), 41));
    const row = await seenAtAck;
    assert.ok(row, 'the row is in the database file when the ack arrives');
    assert.equal(row.lat, 9.01234);
    assert.equal(row.speed, 20);
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 41 });
  });

  test('without seq there is no ack, but the position is stored', async () => {
    const d = await connect();
    d.sock.send(loc(d.id, fix({ lat: 10.5 })));
    const deadline = Date.now() + 2000;
    while (!s.ctx.positions.latest(d.pk) && Date.now() < deadline) await sleep(10);
    assert.equal(s.ctx.positions.latest(d.pk)?.lat, 10.5);
    assert.ok(await d.sock.silentFor(200), 'nothing is sent back');
  });

  test('a duplicate (same device time) is acked again, stored once and fanned out once', async () => {
    const d = await connect();
    const office = await connect('office');
    office.sock.send({ action: 'subscribe', entity: `driver:${d.id}` });
    assert.deepEqual(await office.sock.next(), { type: 'subscribed', entity: `driver:${d.id}` });
    const t = Date.now() - 2000;
    d.sock.send(loc(d.id, fix({ timestamp: t }), 1));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 });
    assert.equal((await office.sock.nextOfType('location_update')).id, d.id);
    await sleep(RATE_WAIT_MS);
    d.sock.send(loc(d.id, fix({ timestamp: t, lat: 9.5 }), 2));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 2 });
    assert.equal(rows(d.pk).length, 1);
    assert.equal(s.ctx.positions.latest(d.pk)!.lat, 9.01234, 'the first copy stays');
    assert.ok(await office.sock.silentFor(300), 'the duplicate is not fanned out again');
  });
});

describe('error replies (the connection stays open after each)', () => {
  test('an unknown action is InvalidAction, with seq echoed', async () => {
    const d = await connect();
    d.sock.send({ action: 'teleport', id: d.id });
    const message = await expectError(d.sock, 'InvalidAction');
    assert.match(message, /teleport/);
    d.sock.send({ action: 'teleport', seq: 5 });
    await expectError(d.sock, 'InvalidAction', 5);
    d.sock.send(loc(d.id, fix(), 6));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 6 });
  });

  test('a driver sending for another id is Forbidden, and nothing is stored for either', async () => {
    const d = await connect();
    const other = await connect();
    d.sock.send(loc(other.id, fix(), 3));
    await expectError(d.sock, 'Forbidden', 3);
    d.sock.send(loc('nobody', fix(), 4));
    await expectError(d.sock, 'Forbidden', 4);
    assert.equal(rows(other.pk).length, 0);
    d.sock.send(loc(d.id, fix(), 5));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 5 });
    assert.equal(rows(d.pk).length, 1);
  });

  test('an office sending driver_location is Forbidden', async () => {
    const o = await connect('office');
    o.sock.send(loc(o.id, fix(), 9));
    await expectError(o.sock, 'Forbidden', 9);
    o.sock.send(loc('DR_x', fix()));
    await expectError(o.sock, 'Forbidden');
    assert.equal(rows(o.pk).length, 0);
    o.sock.send({ action: 'subscribe', entity: 'company:drivers' });
    assert.deepEqual(await o.sock.next(), { type: 'subscribed', entity: 'company:drivers' });
  });

  test('a driver subscribing or unsubscribing is Forbidden', async () => {
    const d = await connect();
    d.sock.send({ action: 'subscribe', entity: 'company:drivers' });
    await expectError(d.sock, 'Forbidden');
    d.sock.send({ action: 'subscribe', entity: `driver:${d.id}` });
    await expectError(d.sock, 'Forbidden');
    d.sock.send({ action: 'unsubscribe', entity: 'company:drivers' });
    await expectError(d.sock, 'Forbidden');
    d.sock.send(loc(d.id, fix(), 1));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 });
  });

  test('malformed messages are BadPayload', async () => {
    const d = await connect();
    const raw = ['{"action":', 'not json', '', '[1,2]', '42', '"driver_location"', 'null', 'true', '{}', '{"action":7}', '{"action":null}'];
    for (const text of raw) {
      d.sock.send(text);
      await expectError(d.sock, 'BadPayload');
    }
    d.sock.send({ seq: 3, id: d.id, payload: fix() });
    await expectError(d.sock, 'BadPayload', 3);
    d.sock.send(loc(d.id, fix(), 1));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 });
  });

  test('missing or non-numeric fields and unreadable times are BadPayload with seq echoed; nothing is stored', async () => {
    const d = await connect();
    const { lat: _lat, ...noLat } = fix();
    const { lng: _lng, ...noLng } = fix();
    const { speed: _speed, ...noSpeed } = fix();
    const { bearing: _bearing, ...noBearing } = fix();
    const bad: [string, unknown][] = [
      ['no payload', undefined],
      ['payload not an object', 'here'],
      ['no lat', noLat],
      ['no lng', noLng],
      ['no speed', noSpeed],
      ['no bearing', noBearing],
      ['lat a string', fix({ lat: 'north' })],
      ['lat a numeric string', fix({ lat: '9.1' })],
      ['lng null', fix({ lng: null })],
      ['speed a string', fix({ speed: 'fast' })],
      ['bearing a boolean', fix({ bearing: true })],
      ['accuracy a string', fix({ accuracy: 'good' })],
      ['negative accuracy', fix({ accuracy: -3 })],
      ['timestamp not a time', fix({ timestamp: 'yesterday' })],
      ['timestamp words that a lenient Date.parse reads as 2001', fix({ timestamp: 'yesterday 5' })],
      ['timestamp empty', fix({ timestamp: '' })],
      ['timestamp negative', fix({ timestamp: -5 })],
      ['timestamp an object', fix({ timestamp: {} })],
      ['timestamp a bad ISO date', fix({ timestamp: '2025-13-45T99:00:00Z' })],
    ];
    let seq = 100;
    for (const [what, payload] of bad) {
      seq++;
      const msg = loc(d.id, payload, seq) as Record<string, unknown>;
      if (payload === undefined) delete msg.payload;
      d.sock.send(msg);
      const m = await d.sock.next();
      assert.equal(m.type, 'error', what);
      assert.equal(m.error, 'BadPayload', `${what}: ${JSON.stringify(m)}`);
      assert.equal(m.seq, seq, `${what}: seq echoed`);
      assert.equal(typeof m.message, 'string', what);
    }
    assert.equal(rows(d.pk).length, 0, 'nothing was stored');
    // None of them used up the rate-limit slot: the next good one is accepted at once.
    d.sock.send(loc(d.id, fix(), 1));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 });
    assert.equal(rows(d.pk).length, 1);
  });

  test('a fix that can never be stored is acked with the reason it was dropped (the phone must not resend it)', async () => {
    const d = await connect();
    const cases: [string, unknown, string, RegExp][] = [
      ['lat 90.0001', fix({ lat: 90.0001 }), 'out_of_range', /not on the globe/],
      ['lat -91', fix({ lat: -91 }), 'out_of_range', /not on the globe/],
      ['lng 180.5', fix({ lng: 180.5 }), 'out_of_range', /not on the globe/],
      ['lng -181', fix({ lng: -181 }), 'out_of_range', /not on the globe/],
      ['negative speed', fix({ speed: -1 }), 'impossible_speed', /impossible/],
      ['0,0', fix({ lat: 0, lng: 0 }), 'zero_position', /0,0/],
      ['dated 1999', fix({ timestamp: '1999-03-01T00:00:00Z' }), 'bad_time', /before the year 2000/],
    ];
    let seq = 200;
    for (const [what, payload, reason, message] of cases) {
      d.sock.send(loc(d.id, payload, ++seq));
      const m = await d.sock.next();
      assert.equal(m.type, 'ack', `${what}: ${JSON.stringify(m)}`);
      assert.equal(m.seq, seq, what);
      assert.equal(m.dropped.reason, reason, what);
      assert.match(m.dropped.message, message, what);
    }
    assert.equal(rows(d.pk).length, 0, 'nothing was stored');
    d.sock.send(loc(d.id, fix(), 1));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 }, 'none used up the rate-limit slot');
  });

  test('without a seq, the seed’s error table answers: BadPayload naming what is wrong', async () => {
    const d = await connect();
    d.sock.send(loc(d.id, fix({ lat: 91 })));
    assert.match(await expectError(d.sock, 'BadPayload'), /91/);
    d.sock.send(loc(d.id, fix({ lat: 0, lng: 0 })));
    assert.match(await expectError(d.sock, 'BadPayload'), /0,0/);
    d.sock.send(loc(d.id, fix({ lat: 'x' })));
    assert.match(await expectError(d.sock, 'BadPayload'), /lat/);
  });

  test('a time two days ahead (a wrong phone clock) is stored at arrival time and acked; the office sees it live', async () => {
    const d = await connect();
    const office = await connect('office');
    office.sock.send({ action: 'subscribe', entity: `driver:${d.id}` });
    assert.deepEqual(await office.sock.next(), { type: 'subscribed', entity: `driver:${d.id}` });
    const ahead = Date.now() + 2 * 86_400_000;
    const before = Date.now();
    d.sock.send(loc(d.id, fix({ timestamp: ahead }), 1));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 });
    const [row] = rows(d.pk);
    assert.ok(row && row.device_time >= before && row.device_time <= Date.now(), 'row && row.device_time >= before && row.device_time <= Date.now()');
    assert.equal(row.reported_time, ahead);
    const u = await office.sock.nextOfType('location_update');
    assert.equal(u.payload.timestamp, new Date(row.device_time).toISOString());
    assert.equal(u.payload.reported_time, new Date(ahead).toISOString());
  });

  test('an invalid seq is BadPayload and not echoed', async () => {
    const d = await connect();
    for (const seq of [-1, 1.5, '7']) {
      d.sock.send({ action: 'driver_location', id: d.id, seq, payload: fix() });
      const m = await d.sock.next();
      assert.equal(m.error, 'BadPayload', JSON.stringify(seq));
      assert.equal('seq' in m, false);
    }
    assert.equal(rows(d.pk).length, 0);
  });

  test(`a frame over ${MAX_MESSAGE_BYTES} bytes is BadPayload and the connection stays open`, async () => {
    const d = await connect();
    const big = JSON.stringify({ ...loc(d.id, fix(), 1), padding: 'x'.repeat(70_000) });
    assert.ok(Buffer.byteLength(big) > 70_000, 'Buffer.byteLength(big) > 70_000');
    d.sock.send(big);
    assert.match(await expectError(d.sock, 'BadPayload'), /limit/);
    assert.equal(rows(d.pk).length, 0);
    d.sock.send(loc(d.id, fix(), 2));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 2 });
  });

  test('a binary frame is BadPayload, even if it holds valid JSON', async () => {
    const d = await connect();
    d.sock.ws.send(Buffer.from(JSON.stringify(loc(d.id, fix(), 1))), { binary: true });
    await expectError(d.sock, 'BadPayload');
    d.sock.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    await expectError(d.sock, 'BadPayload');
    assert.equal(rows(d.pk).length, 0);
    d.sock.send(loc(d.id, fix(), 2));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 2 });
  });
});

describe('rate limit', () => {
  test('two updates < 1 s apart: the second is RateLimited, neither stored nor fanned out; later ones pass', async () => {
    const d = await connect();
    const office = await connect('office');
    office.sock.send({ action: 'subscribe', entity: 'company:drivers' });
    assert.deepEqual(await office.sock.next(), { type: 'subscribed', entity: 'company:drivers' });
    const t = Date.now() - 10_000;
    d.sock.send(loc(d.id, fix({ timestamp: t }), 1));
    d.sock.send(loc(d.id, fix({ timestamp: t + 500, lat: 9.5 }), 2));
    // The refusal is immediate while the ack waits for the commit, so they may come in either order.
    assert.deepEqual(await d.sock.nextOfType('ack'), { type: 'ack', seq: 1 }, 'the first is accepted');
    const message = await expectError(d.sock, 'RateLimited', 2);
    assert.match(message, /second/);
    const ofDriver = (m: { type: string; id?: string }) => m.type === 'location_update' && m.id === d.id;
    const first = await office.sock.next(ofDriver);
    assert.equal(first.payload.lat, 9.01234);
    assert.ok(await office.sock.silentFor(300, ofDriver), 'the refused update is not fanned out');
    assert.deepEqual(
      rows(d.pk).map((r) => r.device_time),
      [t],
      'the refused update is not stored',
    );
    // The connection stays open, and after the interval the next update is accepted.
    await sleep(RATE_WAIT_MS - 300);
    d.sock.send(loc(d.id, fix({ timestamp: t + 1000, lat: 9.6 }), 3));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 3 });
    assert.equal((await office.sock.next(ofDriver)).payload.lat, 9.6);
    assert.equal(rows(d.pk).length, 2);
  });

  test('the limit is per driver: two drivers updating at once are both accepted', async () => {
    const a = await connect();
    const b = await connect();
    a.sock.send(loc(a.id, fix(), 1));
    b.sock.send(loc(b.id, fix(), 1));
    assert.deepEqual(await a.sock.next(), { type: 'ack', seq: 1 });
    assert.deepEqual(await b.sock.next(), { type: 'ack', seq: 1 });
  });

  test('the same driver over two WebSocket connections shares one limit', async () => {
    const d = await connect();
    const second = await open();
    assert.equal((await second.authenticate(d.id, 'driver', s.token('acme', d.id))).type, 'authenticated');
    d.sock.send(loc(d.id, fix(), 1));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 });
    second.send(loc(d.id, fix({ lat: 9.7 }), 2));
    await expectError(second, 'RateLimited', 2);
    assert.equal(rows(d.pk).length, 1);
  });

  test('a driver updating over the HTTP fallback and WebSocket shares one limit', async () => {
    // WebSocket first, then HTTP.
    const d1 = await connect();
    d1.sock.send(loc(d1.id, fix(), 1));
    assert.deepEqual(await d1.sock.next(), { type: 'ack', seq: 1 });
    const http = await s.api('POST', '/v1/driver/location', { token: s.token('acme', d1.id), body: { id: d1.id, payload: fix({ lat: 9.8 }) } });
    assert.equal(http.status, 429);
    assert.equal(http.body.error, 'RateLimited');
    assert.equal(rows(d1.pk).length, 1);
    // HTTP first, then WebSocket.
    const d2 = await connect();
    const ok = await s.api('POST', '/v1/driver/location', { token: s.token('acme', d2.id), body: { id: d2.id, payload: fix() } });
    assert.equal(ok.status, 200);
    d2.sock.send(loc(d2.id, fix({ lat: 9.8 }), 2));
    await expectError(d2.sock, 'RateLimited', 2);
    assert.equal(rows(d2.pk).length, 1);
    assert.equal(rows(d2.pk)[0]!.source, 'http');
  });

  /** Sends a driver's update, holds the event loop (the server's too: it runs in this process) for `ms`, and sends the next. */
  async function twoAcrossAStall(server: TestServer, ms: number): Promise<unknown[]> {
    const id = `DR_${++nextId}`;
    await server.user('acme', id, 'driver');
    const sock = new TestSocket(server.wsUrl);
    sockets.push(sock);
    await sock.opened;
    assert.equal((await sock.authenticate(id, 'driver', server.token('acme', id))).type, 'authenticated');
    const t = Date.now() - 10_000;
    sock.send(loc(id, fix({ timestamp: t }), 1));
    const until = performance.now() + ms;
    while (performance.now() < until); // the phone waits between its sends; the server cannot read meanwhile
    sock.send(loc(id, fix({ timestamp: t + ms, lat: 9.5 }), 2));
    return [await sock.next(), await sock.next()];
  }

  test('a server that ran late does not refuse a phone for its own delay (the measured lag, the default)', async () => {
    // `loopLagMs: undefined` leaves the server its own measure (loop-lag.ts), as in production.
    const late = await startTestServer({ loopLagMs: undefined, maxPlausibleSpeedMs: Infinity });
    try {
      late.company('acme');
      const replies = await twoAcrossAStall(late, 1_200);
      assert.deepEqual(
        replies.map((m) => JSON.stringify(m)).sort(),
        [{ type: 'ack', seq: 1 }, { type: 'ack', seq: 2 }].map((m) => JSON.stringify(m)),
        'sent 1.2 s apart, read together: both accepted',
      );
    } finally {
      await late.stop();
    }
    // The test server (`loopLagMs: () => 0`) judges arrival only: the same pair is refused.
    const refused = await twoAcrossAStall(s, 1_200);
    assert.ok(refused.some((m) => (m as { error?: string }).error === 'RateLimited'), JSON.stringify(refused));
  });
});

describe('a failing write', () => {
  let s2: TestServer;
  before(async () => {
    // A wide group-commit window puts both drivers' positions in one transaction.
    s2 = await startTestServer({ writer: { windowMs: 150 } });
    s2.company('acme');
    await s2.user('acme', 'DR_OK', 'driver');
    await s2.user('acme', 'DR_GONE', 'driver');
  });
  after(() => s2.stop());

  test('a position of a driver deleted while connected is not acked, and does not sink the others of its batch', async () => {
    const ok = new TestSocket(s2.wsUrl);
    const gone = new TestSocket(s2.wsUrl);
    sockets.push(ok, gone);
    await Promise.all([ok.opened, gone.opened]);
    assert.equal((await ok.authenticate('DR_OK', 'driver', s2.token('acme', 'DR_OK'))).type, 'authenticated');
    assert.equal((await gone.authenticate('DR_GONE', 'driver', s2.token('acme', 'DR_GONE'))).type, 'authenticated');
    const okPk = s2.ctx.users.get('acme', 'DR_OK')!.pk;
    // Deleted in the database; the connection lives on until the next heartbeat (30 s here).
    assert.ok(s2.ctx.users.delete('acme', 'DR_GONE'), 's2.ctx.users.delete(\'acme\', \'DR_GONE\')');
    gone.send(loc('DR_GONE', fix(), 1));
    ok.send(loc('DR_OK', fix(), 1));
    assert.deepEqual(await ok.next(), { type: 'ack', seq: 1 });
    assert.equal(s2.ctx.positions.range(okPk, 0, Number.MAX_SAFE_INTEGER, 10).length, 1);
    assert.ok(await gone.silentFor(200), 'no ack for a position that was not stored');
  });
});
