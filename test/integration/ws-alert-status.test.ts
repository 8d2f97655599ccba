/**
 * `alert_status` (server → driver): a driver's phone hears when the office acknowledged and
 * resolved its SOS, by the dispatcher's display name, with the note; a phone that reconnects
 * afterwards is told again (alerts handled in the last day, on the server's clock); nobody else's
 * phone hears of it, and a dispatcher removed since shows as unnamed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseServerMessage } from '../../shared/protocol/server-messages';
import { ManualClock } from '../support/manual-clock';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

const clock = new ManualClock();
let s: TestServer;
const sockets: TestSocket[] = [];

/** A driver's phone: authenticated, nothing else sent yet. */
async function phone(id: string, ttlSeconds = 3600): Promise<TestSocket> {
  const sock = await TestSocket.open(s.wsUrl);
  sockets.push(sock);
  const reply = await sock.authenticate(id, 'driver', s.token('acme', id, ttlSeconds));
  assert.equal(reply.type, 'authenticated', JSON.stringify(reply));
  return sock;
}

async function sos(sock: TestSocket, id: string, seq: number, timestamp: number): Promise<number> {
  sock.send({ action: 'alert', id, seq, payload: { kind: 'sos', timestamp: new Date(timestamp).toISOString(), lat: 48.13512, lng: 11.58198 } });
  assert.deepEqual(await sock.next((m) => m.seq === seq), { type: 'ack', seq });
  const list = (await s.api('GET', '/api/v1/alerts', { token: s.token('acme', 'desk') })).body as { id: number; device_id: string; time: string }[];
  return list.find((a) => a.device_id === id && a.time === new Date(timestamp).toISOString())!.id;
}

const isStatus = (m: { type?: string }) => m.type === 'alert_status';

before(async () => {
  s = await startTestServer({ clock });
  s.company('acme');
  await s.user('acme', 'desk', 'office', { display_name: 'Operations' });
  await s.user('acme', 'night', 'office', { display_name: 'Night desk' });
  await s.user('acme', 'temp', 'office');
  await s.user('acme', 'boss', 'admin');
  await s.user('acme', 'DR_1', 'driver', { display_name: 'Van 1' });
  await s.user('acme', 'DR_2', 'driver', { display_name: 'Van 2' });
  await s.user('acme', 'DR_3', 'driver', { display_name: 'Van 3' });
});

after(async () => {
  for (const sock of sockets) sock.close();
  await s.stop();
});

describe('alert_status to the driver', () => {
  test('acknowledged, then resolved with the note: told at once to every phone of that driver, by display name', async () => {
    const phoneA = await phone('DR_1');
    const phoneB = await phone('DR_1');
    const other = await phone('DR_2');
    const t = clock.now() - 2000;
    const id = await sos(phoneA, 'DR_1', 1, t);
    assert.ok(await phoneA.silentFor(200, isStatus), 'nothing to tell before the office acts');

    const ack = await s.api('POST', `/api/v1/alerts/${id}/acknowledge`, { token: s.token('acme', 'desk') });
    assert.equal(ack.status, 200);
    assert.equal(ack.body.acknowledged_by, 'desk');
    assert.equal(ack.body.acknowledged_by_name, 'Operations');
    for (const p of [phoneA, phoneB]) {
      const m = await p.next(isStatus);
      assert.deepEqual(m, {
        type: 'alert_status',
        id: 'DR_1',
        payload: {
          alert_id: id,
          kind: 'sos',
          time: new Date(t).toISOString(),
          state: 'acknowledged',
          acknowledged_at: ack.body.acknowledged_at,
          acknowledged_by_name: 'Operations',
          resolved_at: null,
          resolved_by_name: null,
          note: null,
        },
      });
      // What the driver app and every client parse it as: the same message.
      assert.deepEqual(parseServerMessage(JSON.stringify(m)), m);
    }

    clock.advance(60_000);
    const res = await s.api('POST', `/api/v1/alerts/${id}/resolve`, { token: s.token('acme', 'night'), body: { note: 'Recovery truck on its way, ETA 20 min.' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.resolved_by_name, 'Night desk');
    assert.equal(res.body.acknowledged_by_name, 'Operations');
    const resolved = await phoneA.next(isStatus);
    assert.equal(resolved.payload.state, 'resolved');
    assert.equal(resolved.payload.resolved_by_name, 'Night desk');
    assert.equal(resolved.payload.acknowledged_by_name, 'Operations');
    assert.equal(resolved.payload.note, 'Recovery truck on its way, ETA 20 min.');
    assert.equal(resolved.payload.resolved_at, new Date(clock.now()).toISOString());
    assert.equal((await phoneB.next(isStatus)).payload.state, 'resolved');
    assert.ok(await other.silentFor(200, isStatus), "another driver's phone hears nothing of it");
  });

  test('a phone that reconnects is told the current state; one the office never answered is not', async () => {
    const back = await phone('DR_1');
    const m = await back.next(isStatus);
    assert.equal(m.payload.state, 'resolved');
    assert.equal(m.payload.note, 'Recovery truck on its way, ETA 20 min.');
    assert.ok(await back.silentFor(200, isStatus), 'once per alert');

    // An open SOS of DR_2 is not reported back; once acknowledged, it is on the next connection.
    const first = await phone('DR_2');
    const id = await sos(first, 'DR_2', 1, clock.now() - 1000);
    first.close();
    const again = await phone('DR_2');
    assert.ok(await again.silentFor(200, isStatus), 'await again.silentFor(200, isStatus)');
    again.close();
    await s.api('POST', `/api/v1/alerts/${id}/acknowledge`, { token: s.token('acme', 'temp') });
    const later = await phone('DR_2');
    const ack = await later.next(isStatus);
    assert.equal(ack.payload.alert_id, id);
    assert.equal(ack.payload.state, 'acknowledged');
    assert.equal(ack.payload.acknowledged_by_name, 'temp', 'a user without a display name by user id');
  });

  test('a dispatcher removed since: the alert keeps the id, the name is null (the console says "removed")', async () => {
    assert.equal((await s.api('DELETE', '/api/v1/users/temp', { token: s.token('acme', 'boss') })).status < 300, true);
    const list = (await s.api('GET', '/api/v1/alerts?state=acknowledged', { token: s.token('acme', 'desk') })).body as { acknowledged_by: string; acknowledged_by_name: string | null }[];
    const theirs = list.find((a) => a.acknowledged_by === 'temp');
    assert.ok(theirs, 'theirs');
    assert.equal(theirs.acknowledged_by_name, null);
    const p = await phone('DR_2');
    assert.equal((await p.next(isStatus)).payload.acknowledged_by_name, null);
  });

  test('a phone whose clock is off hears of its alert by the time it sent, not the corrected one', async () => {
    const p = await phone('DR_3');
    const sent = clock.now() + 3 * 3600_000;
    p.send({ action: 'alert', id: 'DR_3', seq: 1, payload: { kind: 'sos', timestamp: new Date(sent).toISOString() } });
    assert.deepEqual(await p.next((m) => m.seq === 1), { type: 'ack', seq: 1 });
    const list = (await s.api('GET', '/api/v1/alerts', { token: s.token('acme', 'desk') })).body as { id: number; device_id: string; time: string }[];
    const stored = list.find((a) => a.device_id === 'DR_3')!;
    assert.notEqual(stored.time, new Date(sent).toISOString(), 'the server placed it at arrival');
    await s.api('POST', `/api/v1/alerts/${stored.id}/acknowledge`, { token: s.token('acme', 'desk') });
    assert.equal((await p.next(isStatus)).payload.time, new Date(sent).toISOString());
    const again = await phone('DR_3');
    assert.equal((await again.next(isStatus)).payload.time, new Date(sent).toISOString());
  });

  test('after a day a reconnecting phone is no longer told', async () => {
    clock.advance(25 * 3600_000);
    const p = await phone('DR_1', 3600);
    assert.ok(await p.silentFor(300, isStatus), 'await p.silentFor(300, isStatus)');
  });
});
