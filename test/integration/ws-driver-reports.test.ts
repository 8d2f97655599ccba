/**
 * What FleetDesk adds to /v1/track for its driver app: `location_batch` (replayed fixes with
 * their device times, acked after commit, per-fix rejections, never moving the live marker
 * back, implausible jumps stored but flagged), `heartbeat` (device status to the offices and
 * REST, recorded when it changes) and `alert` (SOS and crash, stored once, acknowledged over
 * REST, seen only by the driver's own company).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../main/server/store/database';
import { FLAG_IMPLAUSIBLE } from '../../main/server/store/position-flags';
import { MAX_BATCH_POSITIONS } from '../../shared/protocol/device';
import { offsetM } from '../../shared/geo';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

let s: TestServer;
let ro: Database.Database;
const sockets: TestSocket[] = [];
let nextId = 0;
const BASE = { lat: 9.01234, lng: 38.70321 };

async function open(): Promise<TestSocket> {
  const sock = new TestSocket(s.wsUrl);
  sockets.push(sock);
  await sock.opened;
  return sock;
}

interface Client {
  id: string;
  pk: number;
  sock: TestSocket;
  token: string;
}

/** A new user with an authenticated socket. */
async function connect(role: 'driver' | 'office' = 'driver', companyId = 'acme'): Promise<Client> {
  const id = `${role === 'driver' ? 'DR' : 'OF'}_${++nextId}`;
  await s.user(companyId, id, role);
  const token = s.token(companyId, id);
  const sock = await open();
  const reply = await sock.authenticate(id, role, token);
  assert.equal(reply.type, 'authenticated');
  return { id, pk: s.ctx.users.get(companyId, id)!.pk, sock, token };
}

/** An office subscribed to company:drivers, with the snapshot of earlier tests' devices drained. */
async function office(companyId = 'acme'): Promise<Client> {
  const o = await connect('office', companyId);
  o.sock.send({ action: 'subscribe', entity: 'company:drivers' });
  assert.deepEqual(await o.sock.nextOfType('subscribed'), { type: 'subscribed', entity: 'company:drivers' });
  return o;
}

/** A fix `northM` metres north of BASE with device time `t` (speed in km/h as the wire has it). */
const fixAt = (t: number | string, northM = 0, over: Record<string, unknown> = {}) => {
  const p = offsetM(BASE, northM, 0);
  return { lat: p.lat, lng: p.lng, speed: 36, bearing: 0, accuracy: 5, timestamp: t, ...over };
};
const batch = (id: string, seq: number, positions: unknown[]) => ({ action: 'location_batch', id, seq, payload: { positions } });
const rows = (pk: number) => s.ctx.positions.range(pk, 0, Number.MAX_SAFE_INTEGER, 10_000);
const updatesOf = (id: string) => (m: any) => m.type === 'location_update' && m.id === id;

/** Expects this error reply next (with the seq echoed when given) and returns its message. */
async function expectError(sock: TestSocket, error: string, seq?: number): Promise<string> {
  const m = await sock.next();
  assert.equal(m.type, 'error', `expected an error, got ${JSON.stringify(m)}`);
  assert.equal(m.error, error, `expected ${error}, got ${JSON.stringify(m)}`);
  assert.ok(typeof m.message === 'string' && m.message.length > 0, 'typeof m.message === \'string\' && m.message.length > 0');
  assert.equal(m.seq, seq, `seq of ${JSON.stringify(m)}`);
  return m.message as string;
}

before(async () => {
  s = await startTestServer();
  s.company('acme');
  s.company('beta');
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

describe('location_batch', () => {
  test('200 fixes right after a live fix: all stored with their device times, exempt from the 1/s limit, acked after commit', async () => {
    const d = await connect();
    const now = Date.now();
    d.sock.send({ action: 'driver_location', id: d.id, seq: 1, payload: fixAt(now, 0) });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 });

    const times = Array.from({ length: MAX_BATCH_POSITIONS }, (_, i) => now - (MAX_BATCH_POSITIONS - i) * 1000);
    const positions = times.map((t, i) => fixAt(t, -(MAX_BATCH_POSITIONS - i) * 10));
    const count = ro.prepare<[number], { n: number }>('SELECT count(*) AS n FROM positions WHERE user_pk = ?');
    const atAck = new Promise<number>((resolve) => {
      d.sock.ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        if (m.type === 'ack' && m.seq === 2) resolve(count.get(d.pk)!.n); // read in the tick the ack arrives
      });
    });
    d.sock.send(batch(d.id, 2, positions));
    // Right behind the batch, a live update within the second of seq 1 (sent together, so a slow
    // machine cannot let the second pass): live updates are still limited — the batch did not
    // reset or use up the limit. Its error comes before the batch's ack (refused before any commit).
    // A second one right behind it: rate-limit.ts lets one update through after the server's
    // loop ran late (a loaded CI machine at seq 1), never two.
    d.sock.send({ action: 'driver_location', id: d.id, seq: 3, payload: fixAt(now + 100, 1) });
    d.sock.send({ action: 'driver_location', id: d.id, seq: 4, payload: fixAt(now + 200, 2) });
    const replies = [await d.sock.next(), await d.sock.next(), await d.sock.next()].sort((a, b) => a.seq - b.seq);
    assert.deepEqual(replies[0], { type: 'ack', seq: 2 }, 'no rate limit error, no rejected list');
    const lateLoopLetOneThrough = replies[1].type === 'ack';
    for (const r of lateLoopLetOneThrough ? [replies[2]] : [replies[1], replies[2]]) {
      assert.equal(r.type, 'error', `expected an error, got ${JSON.stringify(r)}`);
      assert.equal(r.error, 'RateLimited');
      assert.ok(typeof r.message === 'string' && r.message.length > 0, 'typeof r.message === \'string\' && r.message.length > 0');
    }
    assert.equal(replies[2].seq, 4);
    const passed = lateLoopLetOneThrough ? [now + 100] : [];
    const countAtAck = await atAck;
    assert.ok(countAtAck >= MAX_BATCH_POSITIONS + 1 && countAtAck <= MAX_BATCH_POSITIONS + 1 + passed.length, 'every fix is committed when the ack arrives');

    const stored = rows(d.pk);
    assert.deepEqual(
      stored.map((r) => r.device_time),
      [...times, now, ...passed],
    );
    for (const r of stored) {
      assert.equal(r.flags, 0);
      assert.equal(r.speed, 10, '36 km/h is stored as 10 m/s');
      assert.equal(r.source, 'ws');
    }
    assert.equal(s.ctx.positions.latest(d.pk)!.device_time, passed.at(-1) ?? now, 'the replayed older fixes do not replace the live one');
  });

  test('a resent batch stores nothing twice and is acked again; a partly new one stores only the new fixes', async () => {
    const d = await connect();
    const t0 = Date.now() - 60_000;
    const first = [0, 1, 2, 3, 4].map((i) => fixAt(t0 + i * 1000, i * 10));
    d.sock.send(batch(d.id, 7, first));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 7 });
    d.sock.send(batch(d.id, 7, first));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 7 }, 'duplicates count as stored');
    assert.equal(rows(d.pk).length, 5);

    const mixed = [3, 4, 5, 6].map((i) => fixAt(t0 + i * 1000, i * 10));
    d.sock.send(batch(d.id, 8, mixed));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 8 });
    assert.deepEqual(
      rows(d.pk).map((r) => r.device_time),
      [0, 1, 2, 3, 4, 5, 6].map((i) => t0 + i * 1000),
    );
    // the same device time twice in one batch is one row
    d.sock.send(batch(d.id, 9, [fixAt(t0 + 7000, 70), fixAt(t0 + 7000, 70)]));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 9 });
    assert.equal(rows(d.pk).length, 8);
  });

  test('fixes that can never be stored get per-fix dropped entries (index, reason, message); the others are stored', async () => {
    const d = await connect();
    const now = Date.now();
    const ahead = now + 2 * 24 * 3600 * 1000;
    const positions = [
      fixAt(now - 6000, 0), // 0 good
      fixAt(now - 5000, 0, { lat: 0, lng: 0 }), // 1 null island
      fixAt(ahead, 0), // 2 two days in the future: a wrong clock, stored at arrival
      fixAt('yesterday at five', 0), // 3 not a time
      fixAt(Date.UTC(1999, 11, 31), 0), // 4 before 2000
      fixAt(-5, 0), // 5 negative epoch
      fixAt('2026-02-30T10:00:00Z', 0), // 6 impossible date
      fixAt(now - 4000, 5), // 7 good
      fixAt(now - 3000, 5, { lat: 91 }), // 8 off the globe
      fixAt(now - 2000, 5, { speed: 9000 }), // 9 9000 km/h
    ];
    d.sock.send(batch(d.id, 11, positions));
    const ack = await d.sock.next();
    assert.equal(ack.type, 'ack');
    assert.equal(ack.seq, 11);
    assert.equal('rejected' in ack, false);
    assert.deepEqual(
      ack.dropped.map((r: { index: number; reason: string }) => [r.index, r.reason]),
      [
        [1, 'zero_position'],
        [3, 'bad_time'],
        [4, 'bad_time'],
        [5, 'bad_time'],
        [6, 'bad_time'],
        [8, 'out_of_range'],
        [9, 'impossible_speed'],
      ],
    );
    const msg = (i: number) => ack.dropped.find((r: { index: number }) => r.index === i).message as string;
    assert.match(msg(1), /0,0/);
    assert.match(msg(3), /not a time/);
    assert.match(msg(4), /before the year 2000/);
    assert.match(msg(5), /positive epoch/);
    assert.match(msg(6), /not a time/);
    const stored = rows(d.pk);
    assert.deepEqual(stored.slice(0, 2).map((r) => r.device_time), [now - 6000, now - 4000]);
    assert.equal(stored.length, 3);
    assert.ok(stored[2]!.device_time >= now && stored[2]!.device_time <= Date.now(), 'the fix from the future is stored at arrival');
    assert.equal(stored[2]!.reported_time, ahead);
    const reception = (await s.api('GET', `/api/v1/devices/${d.id}/reception`, { token: s.token('acme', 'boss') })).body;
    assert.deepEqual(Object.fromEntries(reception.dropped.map((x: { reason: string; count: number }) => [x.reason, x.count])), { bad_time: 4, zero_position: 1, out_of_range: 1, impossible_speed: 1 });
  });

  test('schema errors: BadPayload / Forbidden with the seq, nothing stored, the connection stays usable', async () => {
    const d = await connect();
    const now = Date.now();
    const over = Array.from({ length: MAX_BATCH_POSITIONS + 1 }, (_, i) => fixAt(now - 1_000_000 + i * 1000, i));
    d.sock.send(batch(d.id, 21, over));
    assert.match(await expectError(d.sock, 'BadPayload', 21), /positions/);

    d.sock.send(batch(d.id, 22, [{ lat: 9, lng: 38, speed: 0, bearing: 0 }]));
    assert.match(await expectError(d.sock, 'BadPayload', 22), /timestamp/);

    d.sock.send(batch(d.id, 23, []));
    await expectError(d.sock, 'BadPayload', 23);

    d.sock.send(batch(d.id, 24, [fixAt(now, 0, { lat: '91' })]));
    await expectError(d.sock, 'BadPayload', 24);

    d.sock.send({ action: 'location_batch', id: d.id, payload: { positions: [fixAt(now, 0)] } });
    await expectError(d.sock, 'BadPayload'); // no seq: nothing to ack with

    d.sock.send(batch('DR_someone_else', 25, [fixAt(now, 0)]));
    assert.match(await expectError(d.sock, 'Forbidden', 25), /own id/);

    const o = await connect('office');
    o.sock.send(batch(o.id, 26, [fixAt(now, 0)]));
    assert.match(await expectError(o.sock, 'Forbidden', 26), /only drivers/);
    o.sock.send({ action: 'heartbeat', id: o.id, seq: 27, payload: { battery: 50 } });
    await expectError(o.sock, 'Forbidden', 27);
    o.sock.send({ action: 'alert', id: o.id, seq: 28, payload: { kind: 'sos', timestamp: now } });
    await expectError(o.sock, 'Forbidden', 28);

    assert.equal(rows(d.pk).length, 0);
    d.sock.send(batch(d.id, 29, [fixAt(now, 0)]));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 29 });
    assert.equal(rows(d.pk).length, 1);
  });

  test('out-of-order fixes never move the live marker back: the office gets only the newest', async () => {
    const o = await office();
    const d = await connect();
    const now = Date.now();
    d.sock.send(batch(d.id, 1, [fixAt(now - 10_000, 30), fixAt(now - 20_000, 20), fixAt(now - 30_000, 10)]));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 });
    const u = await o.sock.next(updatesOf(d.id));
    assert.equal(u.payload.timestamp, new Date(now - 10_000).toISOString());

    d.sock.send(batch(d.id, 2, [fixAt(now - 40_000, 5), fixAt(now - 50_000, 0)]));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 2 });
    assert.equal(s.ctx.positions.latest(d.pk)!.device_time, now - 10_000);
    assert.equal(rows(d.pk).length, 5, 'late fixes are stored');

    // updates reach the office in commit order: the next one for this driver is the new live fix
    d.sock.send({ action: 'driver_location', id: d.id, seq: 3, payload: fixAt(now, 40) });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 3 });
    const next = await o.sock.next(updatesOf(d.id));
    assert.equal(next.payload.timestamp, new Date(now).toISOString());
    assert.equal(o.sock.received.filter(updatesOf(d.id)).length, 0);
    // a new subscriber's snapshot shows the newest too
    const o2 = await office();
    const snap = await o2.sock.next(updatesOf(d.id));
    assert.equal(snap.payload.timestamp, new Date(now).toISOString());
  });

  test('an implausible jump is stored with flags=1, not fanned out and not the latest; the track goes on', async () => {
    const o = await office();
    const d = await connect();
    const now = Date.now();
    d.sock.send({ action: 'driver_location', id: d.id, seq: 1, payload: fixAt(now - 3000, 0) });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 });
    assert.equal((await o.sock.next(updatesOf(d.id))).payload.timestamp, new Date(now - 3000).toISOString());

    // 470 m in 1 s, then back on the road
    d.sock.send(batch(d.id, 2, [fixAt(now - 2000, 470, { accuracy: 5 }), fixAt(now - 1000, 20)]));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 2 }, 'a flagged fix is stored, not rejected');
    const flags = s.ctx.db.prepare<[number], { device_time: number; flags: number }>('SELECT device_time, flags FROM positions WHERE user_pk = ? ORDER BY device_time').all(d.pk);
    assert.deepEqual(flags, [
      { device_time: now - 3000, flags: 0 },
      { device_time: now - 2000, flags: FLAG_IMPLAUSIBLE },
      { device_time: now - 1000, flags: 0 },
    ]);
    const next = await o.sock.next(updatesOf(d.id));
    assert.equal(next.payload.timestamp, new Date(now - 1000).toISOString(), 'the jump was never sent to the office');
    assert.equal(s.ctx.positions.latest(d.pk)!.device_time, now - 1000);

    // a second jump is flagged too, and the latest stays where the vehicle is
    d.sock.send(batch(d.id, 3, [fixAt(now, 5000)]));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 3 });
    assert.equal(s.ctx.positions.latest(d.pk)!.device_time, now - 1000);
    const rest = await s.api('GET', `/api/v1/devices/${d.id}`, { token: o.token });
    assert.equal(rest.status, 200);
    assert.equal(rest.body.last_position.device_time, new Date(now - 1000).toISOString());
  });
});

describe('heartbeat', () => {
  test('a heartbeat updates the device status: office device_status, REST status, one heartbeat row per change', async () => {
    const o = await office();
    const d = await connect();
    const status = { battery: 81.4, charging: false, gps: 'granted', online: true, pending: 12, duty: true, connection: 'mobile', app: 'FleetDesk driver 1.0' };
    d.sock.send({ action: 'heartbeat', id: d.id, seq: 5, payload: status });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 5 });
    const m = await o.sock.next((x) => x.type === 'device_status' && x.id === d.id);
    assert.deepEqual({ ...m.payload, time: undefined }, { ...status, source: 'ws', time: undefined });
    assert.ok(!Number.isNaN(Date.parse(m.payload.time)), '!Number.isNaN(Date.parse(m.payload.time))');

    const rest = await s.api('GET', `/api/v1/devices/${d.id}`, { token: o.token });
    assert.equal(rest.status, 200);
    assert.equal(rest.body.status.battery, 81.4);
    assert.equal(rest.body.status.gps, 'granted');
    assert.equal(rest.body.status.source, 'ws');
    const list = await s.api('GET', '/api/v1/devices', { token: o.token });
    assert.equal(list.body.find((x: { id: string }) => x.id === d.id).status.pending, 12);

    const heartbeats = s.ctx.db.prepare<[number], { battery: number; gps: string; pending: number; source: string }>(
      'SELECT battery, gps, pending, source FROM heartbeats WHERE user_pk = ? ORDER BY id',
    );
    assert.deepEqual(heartbeats.all(d.pk), [{ battery: 81.4, gps: 'granted', pending: 12, source: 'ws' }]);

    // the same status again: acked, no new row, no new device_status
    d.sock.send({ action: 'heartbeat', id: d.id, seq: 6, payload: status });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 6 });
    assert.equal(heartbeats.all(d.pk).length, 1);
    // a partial report merges into the status; it is the next device_status the office gets
    d.sock.send({ action: 'heartbeat', id: d.id, seq: 7, payload: { battery: 60, charging: true } });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 7 });
    const changed = await o.sock.next((x) => x.type === 'device_status' && x.id === d.id);
    assert.equal(changed.payload.battery, 60);
    assert.equal(changed.payload.charging, true);
    assert.equal(changed.payload.pending, 12, 'fields the report did not carry are kept');
    assert.equal(o.sock.received.filter((x) => x.type === 'device_status' && x.id === d.id).length, 0);
    assert.equal(heartbeats.all(d.pk).length, 2);

    // without a seq there is no ack; a bad heartbeat is BadPayload with the seq
    d.sock.send({ action: 'heartbeat', id: d.id, payload: { battery: 59 } });
    d.sock.send({ action: 'heartbeat', id: d.id, seq: 8, payload: { battery: 150 } });
    await expectError(d.sock, 'BadPayload', 8);
    d.sock.send({ action: 'heartbeat', id: d.id, seq: 9, payload: { gps: 'maybe' } });
    await expectError(d.sock, 'BadPayload', 9);
    d.sock.send({ action: 'heartbeat', id: d.id, seq: 10, payload: { colour: 'red' } });
    await expectError(d.sock, 'BadPayload', 10);
    d.sock.send({ action: 'heartbeat', id: 'DR_other', seq: 11, payload: { battery: 10 } });
    await expectError(d.sock, 'Forbidden', 11);
    assert.equal((await o.sock.next((x) => x.type === 'device_status' && x.id === d.id)).payload.battery, 59);

    // a new subscriber gets the status in its snapshot
    const o2 = await office();
    assert.equal((await o2.sock.next((x) => x.type === 'device_status' && x.id === d.id)).payload.battery, 59);
  });
});

describe('alerts', () => {
  test('SOS and crash alerts: stored, announced to the office, resent ones stored once and acked again, acknowledged over REST', async () => {
    const o = await office();
    const d = await connect();
    const t = Date.now() - 5000;
    d.sock.send({ action: 'alert', id: d.id, seq: 31, payload: { kind: 'sos', timestamp: t, lat: 9.02, lng: 38.71 } });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 31 });
    const sos = await o.sock.nextOfType('alert');
    assert.equal(sos.id, d.id);
    assert.equal(sos.payload.kind, 'sos');
    assert.equal(sos.payload.device_id, d.id);
    assert.equal(sos.payload.time, new Date(t).toISOString());
    assert.equal(sos.payload.lat, 9.02);
    assert.equal(sos.payload.lng, 38.71);
    assert.equal(sos.payload.source, 'ws');
    assert.equal(sos.payload.acknowledged_at, null);

    const motion = Array.from({ length: 50 }, (_, i) => ({ t: t + 1000 + i * 20, x: i === 25 ? 60 : 0.1, y: 0.2, z: 9.8 }));
    const crashPositions = [fixAt(t + 500, 0), fixAt(t + 1500, 5)];
    const crash = { kind: 'crash', timestamp: new Date(t + 1500).toISOString(), peak_g: 6.2, threshold_g: 4, motion, positions: crashPositions };
    d.sock.send({ action: 'alert', id: d.id, seq: 32, payload: crash });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 32 });
    const crashNotice = await o.sock.nextOfType('alert');
    assert.equal(crashNotice.payload.kind, 'crash');
    assert.equal(crashNotice.payload.peak_g, 6.2);

    // the phone did not get the ack and resends: acked again, stored and announced once
    d.sock.send({ action: 'alert', id: d.id, seq: 33, payload: crash });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 33 });
    const count = s.ctx.db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM alerts WHERE user_pk = ?');
    assert.equal(count.get(d.pk)!.n, 2);
    d.sock.send({ action: 'alert', id: d.id, seq: 34, payload: { kind: 'sos', timestamp: t + 9000 } });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 34 });
    assert.equal((await o.sock.nextOfType('alert')).payload.time, new Date(t + 9000).toISOString(), 'no second crash notice came first');

    const list = await s.api('GET', '/api/v1/alerts', { token: o.token });
    assert.equal(list.status, 200);
    const mine = list.body.filter((a: { device_id: string }) => a.device_id === d.id);
    assert.deepEqual(
      mine.map((a: { kind: string }) => a.kind),
      ['sos', 'crash', 'sos'],
    );
    const one = await s.api('GET', `/api/v1/alerts/${crashNotice.payload.id}`, { token: o.token });
    assert.equal(one.status, 200);
    assert.equal(one.body.kind, 'crash');
    assert.equal(one.body.details.peak_g, 6.2);
    assert.equal(one.body.details.threshold_g, 4);
    assert.deepEqual(one.body.details.motion, motion);
    assert.deepEqual(one.body.details.positions, crashPositions);
    const sosDetail = await s.api('GET', `/api/v1/alerts/${sos.payload.id}`, { token: o.token });
    assert.equal(sosDetail.body.details, null);

    // acknowledge: recorded with who and when; again keeps the first; open=true leaves it out
    const ack = await s.api('POST', `/api/v1/alerts/${sos.payload.id}/acknowledge`, { token: o.token });
    assert.equal(ack.status, 200);
    assert.equal(ack.body.acknowledged_by, o.id);
    assert.ok(!Number.isNaN(Date.parse(ack.body.acknowledged_at)), '!Number.isNaN(Date.parse(ack.body.acknowledged_at))');
    const handled = await o.sock.nextOfType('alert');
    assert.equal(handled.payload.id, sos.payload.id, 'every console learns the alert is handled');
    assert.equal(handled.payload.acknowledged_by, o.id);
    // the driver's phone hears it too (alert_status; ws-alert-status.test.ts has the rest)
    const told = await d.sock.next();
    assert.equal(told.type, 'alert_status');
    assert.equal(told.payload.alert_id, sos.payload.id);
    assert.equal(told.payload.state, 'acknowledged');
    await s.user('acme', `${o.id}_b`, 'admin');
    const again = await s.api('POST', `/api/v1/alerts/${sos.payload.id}/acknowledge`, { token: s.token('acme', `${o.id}_b`) });
    assert.equal(again.status, 200);
    assert.equal(again.body.acknowledged_by, o.id);
    assert.equal(again.body.acknowledged_at, ack.body.acknowledged_at);
    assert.equal(o.sock.received.filter((m) => m.type === 'alert').length, 0, 'a second acknowledgement announces nothing');
    const open = await s.api('GET', '/api/v1/alerts?open=true', { token: o.token });
    assert.ok(open.body.every((a: { acknowledged_at: string | null }) => a.acknowledged_at === null), 'open.body.every((a: { acknowledged_at: string | null }) => a.acknowledged_at === null)');
    assert.ok(!open.body.some((a: { id: number }) => a.id === sos.payload.id), '!open.body.some((a: { id: number }) => a.id === sos.payload.id)');
    assert.ok(open.body.some((a: { id: number }) => a.id === crashNotice.payload.id), 'open.body.some((a: { id: number }) => a.id === crashNotice.payload.id)');
    const limited = await s.api('GET', '/api/v1/alerts?limit=1', { token: o.token });
    assert.equal(limited.body.length, 1);

    // bad requests and bad alerts
    assert.equal((await s.api('GET', '/api/v1/alerts/0', { token: o.token })).status, 400);
    assert.equal((await s.api('GET', '/api/v1/alerts/abc', { token: o.token })).status, 400);
    assert.equal((await s.api('GET', '/api/v1/alerts/999999', { token: o.token })).status, 404);
    assert.equal((await s.api('GET', '/api/v1/alerts?limit=0', { token: o.token })).status, 400);
    assert.equal((await s.api('GET', '/api/v1/alerts', { token: d.token })).status, 403);
    assert.equal((await s.api('GET', '/api/v1/alerts')).status, 401);
    d.sock.send({ action: 'alert', id: d.id, seq: 35, payload: { kind: 'fire', timestamp: t } });
    await expectError(d.sock, 'BadPayload', 35);
    d.sock.send({ action: 'alert', id: d.id, seq: 36, payload: { kind: 'sos', timestamp: 'soon' } });
    assert.match(await expectError(d.sock, 'BadPayload', 36), /timestamp/);
    d.sock.send({ action: 'alert', id: d.id, payload: { kind: 'sos', timestamp: t } });
    await expectError(d.sock, 'BadPayload');
    assert.equal(count.get(d.pk)!.n, 3);
  });

  test("another company's office sees none of it: no WS alert, not in its list, 404 on the id", async () => {
    const acmeOffice = await office('acme');
    const betaOffice = await office('beta');
    const d = await connect('driver', 'acme');
    d.sock.send({ action: 'alert', id: d.id, seq: 1, payload: { kind: 'sos', timestamp: Date.now(), lat: 9, lng: 38 } });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 1 });
    d.sock.send({ action: 'heartbeat', id: d.id, seq: 2, payload: { battery: 33 } });
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 2 });
    d.sock.send(batch(d.id, 3, [fixAt(Date.now(), 0)]));
    assert.deepEqual(await d.sock.next(), { type: 'ack', seq: 3 });
    const alert = await acmeOffice.sock.nextOfType('alert');
    await acmeOffice.sock.next((m) => m.type === 'device_status' && m.id === d.id);
    await acmeOffice.sock.next(updatesOf(d.id));

    // beta's own driver raises one: it is the first alert beta's office gets
    const bd = await connect('driver', 'beta');
    bd.sock.send({ action: 'alert', id: bd.id, seq: 1, payload: { kind: 'sos', timestamp: Date.now() } });
    assert.deepEqual(await bd.sock.next(), { type: 'ack', seq: 1 });
    assert.equal((await betaOffice.sock.nextOfType('alert')).id, bd.id);
    assert.deepEqual(
      betaOffice.sock.received.filter((m) => m.id === d.id),
      [],
      'nothing about the acme driver reached beta',
    );

    const betaList = await s.api('GET', '/api/v1/alerts', { token: betaOffice.token });
    assert.equal(betaList.status, 200);
    assert.ok(betaList.body.every((a: { device_id: string }) => a.device_id !== d.id), 'betaList.body.every((a: { device_id: string }) => a.device_id !== d.id)');
    for (const [method, p] of [
      ['GET', `/api/v1/alerts/${alert.payload.id}`],
      ['POST', `/api/v1/alerts/${alert.payload.id}/acknowledge`],
    ] as const) {
      const r = await s.api(method, p, { token: betaOffice.token });
      assert.equal(r.status, 404, `${method} ${p}`);
      assert.equal(r.body.error, 'NotFound');
    }
    assert.equal((await s.api('GET', `/api/v1/devices/${d.id}`, { token: betaOffice.token })).status, 404);
    // still unacknowledged for acme
    assert.equal((await s.api('GET', `/api/v1/alerts/${alert.payload.id}`, { token: acmeOffice.token })).body.acknowledged_at, null);
  });
});
