/**
 * Tracking API (/v1/track): per-company connection limits and slow consumers.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLOSE } from '../../shared/protocol/tracking';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

/** `p`, or null if it has not settled within `ms` (the timer does not outlive the race). */
function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const sockets: TestSocket[] = [];

async function open(s: TestServer): Promise<TestSocket> {
  const sock = new TestSocket(s.wsUrl);
  sockets.push(sock);
  await sock.opened;
  return sock;
}

async function ensureUser(s: TestServer, companyId: string, id: string, role: 'driver' | 'office'): Promise<void> {
  if (!s.ctx.users.get(companyId, id)) await s.user(companyId, id, role);
}

/** Opens and authenticates; resolves with the socket and the first reply. */
async function attempt(s: TestServer, companyId: string, id: string, role: 'driver' | 'office' = 'office'): Promise<{ sock: TestSocket; reply: any }> {
  await ensureUser(s, companyId, id, role);
  const sock = await open(s);
  const reply = await sock.authenticate(id, role, s.token(companyId, id));
  return { sock, reply };
}

async function admitted(s: TestServer, companyId: string, id: string, role: 'driver' | 'office' = 'office'): Promise<TestSocket> {
  const { sock, reply } = await attempt(s, companyId, id, role);
  assert.deepEqual(reply, { type: 'authenticated', user_id: id, role, company: companyId });
  return sock;
}

async function refusedForLimit(s: TestServer, companyId: string, id: string, limit: number, role: 'driver' | 'office' = 'office'): Promise<void> {
  const { sock, reply } = await attempt(s, companyId, id, role);
  assert.equal(reply.type, 'error');
  assert.equal(reply.error, 'Forbidden');
  assert.match(reply.message, new RegExp(`${limit}`));
  const closed = await sock.closed;
  assert.equal(closed.code, CLOSE.connectionLimit);
  assert.equal(closed.code, 4029);
}

afterEach(() => {
  for (const sock of sockets.splice(0)) sock.ws.terminate();
});

describe('per-company connection limit (maxConnectionsPerCompany: 2)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ ws: { maxConnectionsPerCompany: 2 } });
    for (const c of ['acme', 'globex', 'initech', 'umbrella']) s.company(c);
  });
  after(() => s.stop());

  test('the third authenticated connection gets Forbidden then close 4029; another company is unaffected', async () => {
    const a1 = await admitted(s, 'acme', 'OF_1');
    const a2 = await admitted(s, 'acme', 'DR_1', 'driver'); // drivers count too
    await refusedForLimit(s, 'acme', 'OF_2', 2);
    await refusedForLimit(s, 'acme', 'OF_1', 2); // the same user again
    await admitted(s, 'globex', 'OF_1');
    await admitted(s, 'globex', 'OF_2');
    // The admitted ones still work.
    a1.send({ action: 'subscribe', entity: 'company:drivers' });
    assert.deepEqual(await a1.next(), { type: 'subscribed', entity: 'company:drivers' });
    a2.send({ action: 'driver_location', id: 'DR_1', seq: 1, payload: { lat: 1.5, lng: 2.5, speed: 0, bearing: 0 } });
    assert.deepEqual(await a2.nextOfType('ack'), { type: 'ack', seq: 1 });
  });

  test('re-authenticating on the same connection does not count it twice', async () => {
    const c = 'reauth';
    s.company(c);
    const first = await admitted(s, c, 'OF_1');
    first.send({ action: 'authenticate', payload: { user_id: 'OF_1', role: 'office', token: s.token(c, 'OF_1') } });
    assert.equal((await first.next()).type, 'authenticated');
    await admitted(s, c, 'OF_2');
    await refusedForLimit(s, c, 'OF_3', 2);
  });

  test('connections that have not authenticated do not count', async () => {
    const pending = [await open(s), await open(s), await open(s)];
    await admitted(s, 'initech', 'OF_1');
    await admitted(s, 'initech', 'OF_2');
    // …and they can still authenticate into another company.
    await ensureUser(s, 'umbrella', 'OF_1', 'office');
    assert.equal((await pending[0]!.authenticate('OF_1', 'office', s.token('umbrella', 'OF_1'))).type, 'authenticated');
  });

  test('after one closes, a new connection is admitted', async () => {
    const c = 'acme-2';
    s.company(c);
    const first = await admitted(s, c, 'OF_1');
    await admitted(s, c, 'OF_2');
    await refusedForLimit(s, c, 'OF_3', 2);
    first.close();
    await first.closed;
    // The server learns of the close a moment after the client: retry briefly.
    let reply: any;
    for (let i = 0; i < 40; i++) {
      ({ reply } = await attempt(s, c, 'OF_3'));
      if (reply.type === 'authenticated') break;
      await sleep(25);
    }
    assert.equal(reply.type, 'authenticated');
    assert.equal(reply.user_id, 'OF_3');
  });

  test('the company row’s max_connections overrides the default', async () => {
    const c = 'custom';
    s.company(c);
    assert.equal(s.ctx.companies.update(c, { max_connections: 1 })!.max_connections, 1);
    await admitted(s, c, 'OF_1');
    await refusedForLimit(s, c, 'OF_2', 1);
    s.ctx.companies.update(c, { max_connections: 3 });
    await admitted(s, c, 'OF_2');
    await admitted(s, c, 'OF_3');
    await refusedForLimit(s, c, 'OF_4', 3);
    s.ctx.companies.update(c, { max_connections: null });
    await refusedForLimit(s, c, 'OF_4', 2);
  });
});

describe('slow consumer', () => {
  let s: TestServer;
  const SLOW_MS = 500;
  const DRIVERS = 8;
  // Long ids make each location_update ~300 bytes, so fewer are needed to fill the
  // loopback TCP buffers (~4 MB on Linux) of the office that stops reading.
  const driverId = (i: number) => `DR_${i}_`.padEnd(64, 'x');
  before(async () => {
    s = await startTestServer({ ws: { minUpdateIntervalMs: 0, sendHighWaterBytes: 4096, slowConsumerTimeoutMs: SLOW_MS } });
    s.company('acme');
    await s.user('acme', 'OF_SLOW', 'office');
    await s.user('acme', 'OF_FAST', 'office');
    for (let i = 0; i < DRIVERS; i++) await s.user('acme', driverId(i), 'driver');
  });
  after(() => s.stop());

  test('a stuck office does not hold up another office and is eventually closed', async () => {
    const slow = await admitted(s, 'acme', 'OF_SLOW');
    const fast = await admitted(s, 'acme', 'OF_FAST');
    slow.send({ action: 'subscribe', entity: 'company:drivers' });
    fast.send({ action: 'subscribe', entity: 'company:drivers' });
    assert.equal((await slow.nextOfType('subscribed')).entity, 'company:drivers');
    assert.equal((await fast.nextOfType('subscribed')).entity, 'company:drivers');
    const drivers: TestSocket[] = [];
    for (let i = 0; i < DRIVERS; i++) drivers.push(await admitted(s, 'acme', driverId(i), 'driver'));

    // The slow office stops reading: its TCP buffers fill up, then the server's send queue.
    const rawSocket = (slow.ws as unknown as { _socket: Socket })._socket;
    rawSocket.pause();

    let fastUpdates = 0;
    const fastLast = new Map<string, number>();
    fast.ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type !== 'location_update') return;
      fastUpdates++;
      fastLast.set(m.id, Date.parse(m.payload.timestamp));
    });

    // Bounded flood: 3000 rounds × 8 drivers ≈ 5.5 MB of updates per office, each position
    // with its own device time; the drivers wait for their acks.
    const ROUNDS = 3000;
    const t0 = Date.now() - 3_600_000;
    let acked = 0;
    const allAcked = new Promise<void>((resolve) => {
      for (const d of drivers)
        d.ws.on('message', (data) => {
          if (JSON.parse(data.toString()).type === 'ack' && ++acked === ROUNDS * drivers.length) resolve();
        });
    });
    for (let r = 0; r < ROUNDS; r++) {
      drivers.forEach((d, i) =>
        d.send({ action: 'driver_location', id: driverId(i), seq: r, payload: { lat: 10 + r / 1e4, lng: 20 + i, speed: 50, bearing: r % 360, accuracy: 12.5, altitude: 1234.5, timestamp: t0 + r * 1000 } }),
      );
      if (r % 100 === 99) await sleep(1);
    }
    await allAcked;
    // Every position was committed and fanned out; the reading office gets the newest of each
    // driver while the other one is stuck.
    const newest = t0 + (ROUNDS - 1) * 1000;
    const deadline = Date.now() + 3000;
    while ([...fastLast.values()].filter((t) => t === newest).length < drivers.length && Date.now() < deadline) await sleep(10);
    assert.equal([...fastLast.values()].filter((t) => t === newest).length, drivers.length, 'the fast office got every driver’s newest position');
    assert.ok(fastUpdates > 0, 'fastUpdates > 0');
    assert.equal(s.ctx.positions.latest(s.ctx.users.get('acme', driverId(0))!.pk)!.device_time, newest);

    // By now the server has found the stuck office congested for longer than SLOW_MS and
    // closed it (its close frame waits behind the unread data). Reading again reveals it.
    await sleep(SLOW_MS + 500);
    rawSocket.resume();
    const closed = await within(slow.closed, 3000);
    assert.ok(closed, 'the stuck office was closed by the server');
    assert.ok(closed.code === CLOSE.slowConsumer || closed.code === 1006, `closed with 4008 or terminated, got ${closed.code}`);
    const slowUpdates = slow.received.filter((m) => m.type === 'location_update').length;
    assert.ok(slowUpdates < ROUNDS * DRIVERS, `updates were held back for the stuck office (${slowUpdates} of ${ROUNDS * DRIVERS})`);
    assert.ok(fast.ws.readyState === fast.ws.OPEN, 'the reading office is still connected');
  });
});
