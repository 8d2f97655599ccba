/**
 * Tracking API (/v1/track): the upgrade path, graceful shutdown (acks before 1001, nothing
 * lost) and a restart on the same data folder.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../main/server/store/database';
import { API_PREFIX } from '../../shared/api/schemas';
import { CLOSE, TRACK_PATH } from '../../shared/protocol/tracking';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

const servers: TestServer[] = [];
const sockets: TestSocket[] = [];

async function server(config: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  // Fixes here step 0.001° a second (~150 m/s): labels, not a drive; jumps are not judged.
  const s = await startTestServer({ maxPlausibleSpeedMs: Infinity, ...config });
  servers.push(s);
  return s;
}

async function open(url: string): Promise<TestSocket> {
  const sock = new TestSocket(url);
  sockets.push(sock);
  await sock.opened;
  return sock;
}

afterEach(async () => {
  for (const sock of sockets.splice(0)) sock.ws.terminate();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const fix = (i: number, t0: number) => ({ lat: 10 + i / 1000, lng: 20 + i / 1000, speed: 36 + i, bearing: i, timestamp: t0 + i * 1000 });

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('upgrade path', () => {
  test('an upgrade to any other path is refused with 404; /v1/track with a query string works', async () => {
    const s = await server();
    const base = s.url.replace(/^http/, 'ws');
    for (const p of ['/', '/v1/trackx', '/v1/track/', '/v1/track/extra', '/api/v1/track', '/V1/TRACK']) {
      const sock = new TestSocket(base + p);
      sockets.push(sock);
      await assert.rejects(sock.opened, /Unexpected server response: 404/, p);
      const closed = await sock.closed;
      assert.equal(closed.code, 1006, p);
    }
    const ok = await open(`${base}${TRACK_PATH}?client=test`);
    assert.equal(ok.ws.readyState, ok.ws.OPEN);
    s.company('acme');
    await s.user('acme', 'OF_1', 'office');
    assert.equal((await ok.authenticate('OF_1', 'office', s.token('acme', 'OF_1'))).type, 'authenticated');
  });
});

describe('shutdown', () => {
  test('stop(): every accepted position is acked before the socket closes with 1001, and all are stored; a restart keeps everything', async () => {
    // A long group-commit window keeps every position pending until stop() flushes it.
    const s = await server({ ws: { minUpdateIntervalMs: 0 }, writer: { windowMs: 30_000, maxBatch: 100_000 } });
    s.company('acme');
    await s.user('acme', 'DR_1', 'driver');
    await s.user('acme', 'OF_1', 'office');
    const driverToken = s.token('acme', 'DR_1');
    const officeToken = s.token('acme', 'OF_1');
    const pk = s.ctx.users.get('acme', 'DR_1')!.pk;

    const office = await open(s.wsUrl);
    office.send({ action: 'authenticate', payload: { user_id: 'OF_1', role: 'office', token: officeToken } });
    office.send({ action: 'subscribe', entity: 'company:drivers' });
    assert.equal((await office.nextOfType('subscribed')).entity, 'company:drivers');

    const driver = await open(s.wsUrl);
    assert.equal((await driver.authenticate('DR_1', 'driver', driverToken)).type, 'authenticated');
    const N = 25;
    const t0 = Date.UTC(2025, 2, 1, 12, 0, 0);
    for (let i = 1; i <= N; i++) driver.send({ action: 'driver_location', id: 'DR_1', seq: i, payload: fix(i, t0) });
    await waitFor(() => s.ctx.writer.pending === N);
    assert.deepEqual(driver.received, [], 'nothing is acked before its commit');
    assert.equal(s.ctx.positions.latest(pk), undefined);

    await s.stop();
    const closed = await driver.closed;
    assert.equal(closed.code, CLOSE.goingAway);
    assert.equal(closed.code, 1001);
    // 'close' comes after every message that arrived before the close frame.
    assert.deepEqual(
      driver.received,
      Array.from({ length: N }, (_, i) => ({ type: 'ack', seq: i + 1 })),
      'every position acked, in order, before the close',
    );
    assert.equal((await office.closed).code, 1001);
    assert.equal(office.received.filter((m) => m.type === 'location_update').length, N, 'committed positions were fanned out before the close');

    // After stop the port refuses connections.
    await assert.rejects(fetch(`${s.url}${API_PREFIX}/health`), (err: Error & { cause?: { code?: string } }) => err.cause?.code === 'ECONNREFUSED');
    await assert.rejects(TestSocket.open(s.wsUrl), /ECONNREFUSED/);

    // Everything is in the file.
    const db = new Database(path.join(s.dataDir, DB_FILE), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT device_time, speed FROM positions WHERE user_pk = ? ORDER BY device_time').all(pk) as { device_time: number; speed: number }[];
      assert.deepEqual(
        rows.map((r) => r.device_time),
        Array.from({ length: N }, (_, i) => t0 + (i + 1) * 1000),
      );
      assert.ok(Math.abs(rows[0]!.speed - 37 / 3.6) < 1e-9, 'Math.abs(rows[0]!.speed - 37 / 3.6) < 1e-9');
    } finally {
      db.close();
    }

    // Restart on the same data folder: data intact, the JWT secret persisted, old tokens work.
    const s2 = await server({ dataDir: s.dataDir, ws: { minUpdateIntervalMs: 0 } });
    assert.equal(s2.ctx.positions.range(pk, 0, Number.MAX_SAFE_INTEGER, 1000).length, N);
    assert.equal(s2.ctx.positions.latest(pk)!.device_time, t0 + N * 1000);
    const office2 = await open(s2.wsUrl);
    office2.send({ action: 'authenticate', payload: { user_id: 'OF_1', role: 'office', token: officeToken } });
    office2.send({ action: 'subscribe', entity: 'driver:DR_1' });
    assert.deepEqual(await office2.next(), { type: 'authenticated', user_id: 'OF_1', role: 'office', company: 'acme' });
    assert.deepEqual(await office2.next(), { type: 'subscribed', entity: 'driver:DR_1' });
    assert.deepEqual(await office2.next(), {
      type: 'location_update',
      id: 'DR_1',
      payload: { ...fix(N, t0), speed: 36 + N, timestamp: new Date(t0 + N * 1000).toISOString() },
    });
    const driver2 = await open(s2.wsUrl);
    assert.equal((await driver2.authenticate('DR_1', 'driver', driverToken)).type, 'authenticated');
    // A fix older than the stored newest, first thing after the restart: stored, not fanned out.
    driver2.send({ action: 'driver_location', id: 'DR_1', seq: 99, payload: fix(0, t0) });
    assert.deepEqual(await driver2.next(), { type: 'ack', seq: 99 });
    assert.ok(await office2.silentFor(200), 'the late fix is not fanned out');
    assert.equal(s2.ctx.positions.latest(pk)!.device_time, t0 + N * 1000);
    driver2.send({ action: 'driver_location', id: 'DR_1', seq: 100, payload: fix(N + 1, t0) });
    assert.deepEqual(await driver2.next(), { type: 'ack', seq: 100 });
    assert.equal((await office2.next()).payload.timestamp, new Date(t0 + (N + 1) * 1000).toISOString());
    // A re-sent position (the client did not see its ack) is a duplicate: acked, not stored twice.
    driver2.send({ action: 'driver_location', id: 'DR_1', seq: 101, payload: fix(N, t0) });
    assert.deepEqual(await driver2.next(), { type: 'ack', seq: 101 });
    assert.equal(s2.ctx.positions.range(pk, 0, Number.MAX_SAFE_INTEGER, 1000).length, N + 2);
  });

  test('stop() racing a stream of positions: the acked ones are exactly the stored ones', async () => {
    const s = await server({ ws: { minUpdateIntervalMs: 0 } });
    s.company('acme');
    await s.user('acme', 'DR_1', 'driver');
    const pk = s.ctx.users.get('acme', 'DR_1')!.pk;
    const driver = await open(s.wsUrl);
    assert.equal((await driver.authenticate('DR_1', 'driver', s.token('acme', 'DR_1'))).type, 'authenticated');
    const t0 = Date.UTC(2025, 2, 1, 12, 0, 0);
    const N = 2000;
    for (let i = 1; i <= N; i++) driver.send({ action: 'driver_location', id: 'DR_1', seq: i, payload: fix(i, t0) });
    // Stop as soon as the server has taken in the first positions, while more are arriving.
    while (s.ctx.writer.pending === 0 && s.ctx.writer.stats.stored === 0) await new Promise((r) => setImmediate(r));
    await s.stop();
    assert.equal((await driver.closed).code, 1001);
    const acked = [...driver.received.filter((m) => m.type === 'ack').map((m) => m.seq as number)];
    const db = new Database(path.join(s.dataDir, DB_FILE), { readonly: true, fileMustExist: true });
    try {
      const stored = (db.prepare('SELECT device_time FROM positions WHERE user_pk = ? ORDER BY device_time').all(pk) as { device_time: number }[]).map(
        (r) => (r.device_time - t0) / 1000,
      );
      assert.deepEqual(acked, stored, 'acked ⇔ stored');
      assert.ok(stored.length >= 1, 'stored.length >= 1');
    } finally {
      db.close();
    }
  });

  test('stop() called twice (even concurrently) resolves, and the port is closed', async () => {
    const s = await server();
    await Promise.all([s.stop(), s.stop()]);
    await s.stop();
    await assert.rejects(fetch(`${s.url}${API_PREFIX}/health`));
  });
});
