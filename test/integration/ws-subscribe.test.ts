/**
 * Tracking API (/v1/track): office subscriptions — replies, the latest known positions,
 * live updates in km/h, unsubscribe, late fixes, and isolation between companies.
 * Each test uses a company of its own, so `company:drivers` only ever concerns that test.
 * The rate limit is tested elsewhere; here it is off so a driver can report back to back.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

let s: TestServer;
const sockets: TestSocket[] = [];
let nextCompany = 0;

interface Conn {
  id: string;
  sock: TestSocket;
}

function newCompany(): string {
  return s.company(`co-${++nextCompany}`);
}

async function connect(companyId: string, id: string, role: 'driver' | 'office' | 'admin', asRole: string = role): Promise<Conn> {
  if (!s.ctx.users.get(companyId, id)) await s.user(companyId, id, role);
  const sock = new TestSocket(s.wsUrl);
  sockets.push(sock);
  await sock.opened;
  const reply = await sock.authenticate(id, asRole, s.token(companyId, id));
  assert.equal(reply.type, 'authenticated', JSON.stringify(reply));
  return { id, sock };
}

const loc = (id: string, payload: Record<string, unknown>, seq: number) => ({ action: 'driver_location', id, seq, payload });
const fix = (over: Record<string, unknown> = {}) => ({ lat: 9.01234, lng: 38.70321, speed: 36, bearing: 90, ...over });

/** Sends a position and waits for its ack (so it is committed and fanned out). */
async function report(d: Conn, payload: Record<string, unknown>, seq = 1): Promise<void> {
  d.sock.send(loc(d.id, payload, seq));
  const reply = await d.sock.next();
  assert.deepEqual(reply, { type: 'ack', seq }, `position of ${d.id} accepted`);
}

async function subscribe(o: Conn, entity: string, action: 'subscribe' | 'unsubscribe' = 'subscribe'): Promise<void> {
  o.sock.send({ action, entity });
  assert.deepEqual(await o.sock.next(), { type: action === 'subscribe' ? 'subscribed' : 'unsubscribed', entity });
}

const isUpdate = (m: { type: string }) => m.type === 'location_update';

before(async () => {
  // Positions here are labels (lat 1.5, 2.5…), not a drive: jumps are not judged.
  s = await startTestServer({ ws: { minUpdateIntervalMs: 0 }, maxPlausibleSpeedMs: Infinity });
});

afterEach(() => {
  for (const sock of sockets.splice(0)) sock.ws.terminate();
});

after(() => s.stop());

describe('subscribe to driver:<id>', () => {
  test('subscribed, then the latest known position, then live updates in km/h; nothing after unsubscribe', async () => {
    const co = newCompany();
    const d = await connect(co, 'DR_1', 'driver');
    const t0 = Date.UTC(2025, 5, 1, 8, 0, 0);
    await report(d, fix({ speed: 36, bearing: 450, accuracy: 5, altitude: 2300, timestamp: t0 }));

    const o = await connect(co, 'OF_1', 'office');
    o.sock.send({ action: 'subscribe', entity: 'driver:DR_1' });
    assert.deepEqual(await o.sock.next(), { type: 'subscribed', entity: 'driver:DR_1' });
    assert.deepEqual(await o.sock.next(), {
      type: 'location_update',
      id: 'DR_1',
      payload: { lat: 9.01234, lng: 38.70321, speed: 36, bearing: 90, accuracy: 5, altitude: 2300, timestamp: '2025-06-01T08:00:00.000Z' },
    });
    await report(d, fix({ lat: 9.1, lng: 38.8, speed: 50, bearing: 359.94, timestamp: t0 + 1000 }), 2);
    assert.deepEqual(await o.sock.next(), {
      type: 'location_update',
      id: 'DR_1',
      payload: { lat: 9.1, lng: 38.8, speed: 50, bearing: 359.9, timestamp: '2025-06-01T08:00:01.000Z' },
    });

    await subscribe(o, 'driver:DR_1', 'unsubscribe');
    await report(d, fix({ timestamp: t0 + 2000 }), 3);
    assert.ok(await o.sock.silentFor(300), 'nothing arrives after unsubscribe');
  });

  test('a driver with no position yet: subscribed, no location_update until it reports', async () => {
    const co = newCompany();
    await s.user(co, 'DR_1', 'driver');
    const o = await connect(co, 'OF_1', 'office');
    await subscribe(o, 'driver:DR_1');
    assert.ok(await o.sock.silentFor(200), 'await o.sock.silentFor(200)');
    const d = await connect(co, 'DR_1', 'driver');
    await report(d, fix());
    const u = await o.sock.next();
    assert.equal(u.type, 'location_update');
    assert.equal(u.id, 'DR_1');
    assert.deepEqual(Object.keys(u.payload).sort(), ['bearing', 'lat', 'lng', 'speed', 'timestamp'], 'no accuracy/altitude when the driver sent none');
    assert.equal(u.payload.speed, 36);
    assert.ok(!Number.isNaN(Date.parse(u.payload.timestamp)), '!Number.isNaN(Date.parse(u.payload.timestamp))');
    assert.match(u.payload.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  test('only the subscribed driver is delivered', async () => {
    const co = newCompany();
    const d1 = await connect(co, 'DR_1', 'driver');
    const d2 = await connect(co, 'DR_2', 'driver');
    const o = await connect(co, 'OF_1', 'office');
    await subscribe(o, 'driver:DR_2');
    await report(d1, fix({ lat: 1.5 }));
    await report(d2, fix({ lat: 2.5 }));
    const u = await o.sock.next();
    assert.equal(u.id, 'DR_2');
    assert.equal(u.payload.lat, 2.5);
    assert.ok(await o.sock.silentFor(200), 'nothing about DR_1');
  });

  test('unknown driver, a driver of another company, an office user id: Forbidden; the connection stays open', async () => {
    const co = newCompany();
    const other = newCompany();
    await s.user(other, 'DR_OTHER', 'driver');
    await s.user(co, 'OF_2', 'office');
    await s.user(co, 'AD_1', 'admin');
    await s.user(co, 'DR_1', 'driver');
    const o = await connect(co, 'OF_1', 'office');
    for (const entity of ['driver:NOPE', 'driver:DR_OTHER', 'driver:OF_2', 'driver:OF_1', 'driver:AD_1', 'driver:']) {
      o.sock.send({ action: 'subscribe', entity });
      const m = await o.sock.next();
      assert.equal(m.type, 'error', entity);
      assert.equal(m.error, 'Forbidden', `${entity}: ${JSON.stringify(m)}`);
      assert.equal(typeof m.message, 'string');
    }
    o.sock.send({ action: 'unsubscribe', entity: 'driver:DR_OTHER' });
    assert.equal((await o.sock.next()).error, 'Forbidden');
    await subscribe(o, 'driver:DR_1');
  });

  test('a malformed subscribe is BadPayload; the connection stays open', async () => {
    const co = newCompany();
    await s.user(co, 'DR_1', 'driver');
    const o = await connect(co, 'OF_1', 'office');
    for (const msg of [{ action: 'subscribe' }, { action: 'subscribe', entity: 5 }, { action: 'subscribe', entity: '' }, { action: 'subscribe', entity: 'drivers' }, { action: 'subscribe', entity: 'company:other' }]) {
      o.sock.send(msg);
      const m = await o.sock.next();
      assert.equal(m.type, 'error', JSON.stringify(msg));
      assert.equal(m.error, 'BadPayload', JSON.stringify(msg));
    }
    await subscribe(o, 'driver:DR_1');
  });
});

describe('subscribe to company:drivers', () => {
  test('subscribed, then the latest position of each driver that has one, then live updates; nothing after unsubscribe', async () => {
    const co = newCompany();
    const d1 = await connect(co, 'DR_1', 'driver');
    const d2 = await connect(co, 'DR_2', 'driver');
    await s.user(co, 'DR_3', 'driver'); // never reports
    const t0 = Date.UTC(2025, 5, 1, 8, 0, 0);
    await report(d1, fix({ lat: 1.5, timestamp: t0 }));
    await report(d2, fix({ lat: 2.5, timestamp: t0 + 1 }));
    await report(d1, fix({ lat: 1.6, timestamp: t0 + 1000 }), 2);

    const o = await connect(co, 'OF_1', 'office');
    await subscribe(o, 'company:drivers');
    const initial = [await o.sock.next(), await o.sock.next()];
    assert.deepEqual(
      initial.map((m) => [m.type, m.id, m.payload.lat]).sort(),
      [
        ['location_update', 'DR_1', 1.6],
        ['location_update', 'DR_2', 2.5],
      ],
      'the latest position of each driver with one',
    );
    assert.ok(await o.sock.silentFor(150), 'nothing for DR_3');
    await report(d2, fix({ lat: 2.6, speed: 90, bearing: 180, timestamp: t0 + 2000 }), 3);
    assert.deepEqual(await o.sock.next(), {
      type: 'location_update',
      id: 'DR_2',
      payload: { lat: 2.6, lng: 38.70321, speed: 90, bearing: 180, timestamp: new Date(t0 + 2000).toISOString() },
    });
    const d3 = await connect(co, 'DR_3', 'driver');
    await report(d3, fix({ lat: 3.5 }));
    const u3 = await o.sock.next();
    assert.equal(u3.id, 'DR_3', 'drivers that connect later are included');
    assert.equal(u3.payload.lat, 3.5);

    await subscribe(o, 'company:drivers', 'unsubscribe');
    await report(d1, fix({ lat: 1.7, timestamp: t0 + 3000 }), 4);
    assert.ok(await o.sock.silentFor(300), 'nothing arrives after unsubscribe');
  });

  test('an admin authenticated as office can subscribe to company:drivers', async () => {
    const co = newCompany();
    const d = await connect(co, 'DR_1', 'driver');
    const a = await connect(co, 'AD_1', 'admin', 'office');
    await subscribe(a, 'company:drivers');
    await report(d, fix({ lat: 4.5 }));
    assert.equal((await a.sock.next()).payload.lat, 4.5);
  });

  test('subscribed both to company:drivers and driver:<id>, an update arrives once', async () => {
    const co = newCompany();
    const d = await connect(co, 'DR_1', 'driver');
    const o = await connect(co, 'OF_1', 'office');
    await subscribe(o, 'company:drivers');
    await subscribe(o, 'driver:DR_1');
    await report(d, fix({ lat: 5.5 }));
    assert.equal((await o.sock.next()).payload.lat, 5.5);
    assert.ok(await o.sock.silentFor(250), 'no second copy');
    // Leaving company:drivers keeps the driver subscription.
    await subscribe(o, 'company:drivers', 'unsubscribe');
    await report(d, fix({ lat: 5.6 }), 2);
    assert.equal((await o.sock.next()).payload.lat, 5.6);
  });

  test('several offices each receive every update', async () => {
    const co = newCompany();
    const d = await connect(co, 'DR_1', 'driver');
    const offices = [await connect(co, 'OF_1', 'office'), await connect(co, 'OF_2', 'office'), await connect(co, 'OF_1', 'office')];
    for (const o of offices) await subscribe(o, 'company:drivers');
    await report(d, fix({ lat: 6.5 }));
    for (const o of offices) assert.equal((await o.sock.next()).payload.lat, 6.5);
  });
});

describe('late fixes', () => {
  test('an older fix (by device time) is stored and acked but not fanned out', async () => {
    const co = newCompany();
    const d = await connect(co, 'DR_1', 'driver');
    const o = await connect(co, 'OF_1', 'office');
    await subscribe(o, 'company:drivers');
    const t0 = Date.now() - 60_000;
    await report(d, fix({ lat: 7.5, timestamp: t0 }));
    assert.equal((await o.sock.next()).payload.lat, 7.5);
    await report(d, fix({ lat: 7.4, timestamp: t0 - 30_000 }), 2);
    assert.ok(await o.sock.silentFor(300, isUpdate), 'the late fix is not fanned out');
    const pk = s.ctx.users.get(co, 'DR_1')!.pk;
    assert.deepEqual(
      s.ctx.positions.range(pk, 0, Date.now(), 10).map((r) => [r.lat, r.device_time]),
      [
        [7.4, t0 - 30_000],
        [7.5, t0],
      ],
      'both are stored',
    );
    assert.equal(s.ctx.positions.latest(pk)!.lat, 7.5, 'the latest is still the newest fix');
    // A new subscriber also gets the newest fix, not the late one.
    const o2 = await connect(co, 'OF_2', 'office');
    await subscribe(o2, 'driver:DR_1');
    assert.equal((await o2.sock.next()).payload.lat, 7.5);
    // And a newer fix is fanned out again.
    await report(d, fix({ lat: 7.6, timestamp: t0 + 1000 }), 3);
    assert.equal((await o.sock.next()).payload.lat, 7.6);
  });
});

describe('company isolation', () => {
  test('an office never receives anything about another company’s drivers', async () => {
    const a = newCompany();
    const b = newCompany();
    // The same driver id exists in both companies, plus one id only in B.
    const dA = await connect(a, 'DR_SAME', 'driver');
    const dB = await connect(b, 'DR_SAME', 'driver');
    const dBonly = await connect(b, 'DR_B', 'driver');
    await report(dB, fix({ lat: -20.5 }));
    await report(dBonly, fix({ lat: -21.5 }));

    const oA = await connect(a, 'OF_A', 'office');
    const oB = await connect(b, 'OF_B', 'office');
    await subscribe(oA, 'company:drivers');
    assert.ok(await oA.sock.silentFor(150), 'A’s company:drivers has no latest positions of B');
    oA.sock.send({ action: 'subscribe', entity: 'driver:DR_B' });
    assert.equal((await oA.sock.next()).error, 'Forbidden', 'A cannot subscribe to B’s driver');
    await subscribe(oA, 'driver:DR_SAME'); // A's own DR_SAME, which has no position yet
    assert.ok(await oA.sock.silentFor(150), 'B’s DR_SAME position is not A’s');

    await subscribe(oB, 'company:drivers');
    const initialB = [await oB.sock.next(), await oB.sock.next()].map((m) => [m.id, m.payload.lat]).sort();
    assert.deepEqual(initialB, [
      ['DR_B', -21.5],
      ['DR_SAME', -20.5],
    ]);
    await report(dA, fix({ lat: 20.5 }));
    await report(dB, fix({ lat: -20.6 }), 2);
    await report(dBonly, fix({ lat: -21.6 }), 2);

    const gotA = await oA.sock.next();
    assert.deepEqual([gotA.id, gotA.payload.lat], ['DR_SAME', 20.5]);
    const gotB = [await oB.sock.next(), await oB.sock.next()].map((m) => [m.id, m.payload.lat]).sort();
    assert.deepEqual(gotB, [
      ['DR_B', -21.6],
      ['DR_SAME', -20.6],
    ]);
    assert.ok(await oA.sock.silentFor(300), 'A got nothing of B');
    assert.ok(await oB.sock.silentFor(1), 'B got nothing of A');
    assert.deepEqual(oA.sock.received, []);
    assert.deepEqual(oB.sock.received, []);
  });
});
