/**
 * The trip in progress and the fleet's day totals over a real server: a driver's phone sends a
 * drive over the WebSocket Tracking API in steps; GET /devices/{id}/trips/current answers the
 * trip so far (growing distance, route), GET /trips/day-summary counts it, and once the van has
 * parked the trip is a finished one and no longer current. Same access rules as the other trip
 * routes; both in the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CurrentTripAnswer, DaySummaryRow, TripSummary } from '../../shared/api/trips';
import type { RawFix } from '../../main/server/trips/process';
import { startTestServer, type TestServer } from '../support/server';
import { Trace } from '../support/synthetic-trips';
import { TestSocket } from '../support/ws-client';

const C = 'acme';
let s: TestServer;
let boss: string;
let sock: TestSocket;
let seq = 0;
/** midnight UTC two days ago: the drive happens then */
const DAY = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
const period = `from=${new Date(DAY).toISOString()}&to=${new Date(DAY + 86_400_000).toISOString()}`;

before(async () => {
  s = await startTestServer();
  s.company(C);
  s.company('globex');
  await s.user(C, 'boss', 'admin');
  await s.user(C, 'clerk', 'office');
  await s.user(C, 'van1', 'driver', { display_name: 'Van 1', vehicle_plate: 'M-FD 1' });
  await s.user(C, 'van2', 'driver', { display_name: 'Van 2' });
  await s.user('globex', 'gboss', 'admin');
  boss = s.token(C, 'boss');
  sock = await TestSocket.open(s.wsUrl);
  assert.equal((await sock.authenticate('van1', 'driver', s.token(C, 'van1'))).type, 'authenticated');
});
after(async () => {
  sock?.ws.terminate();
  await s?.stop();
});

async function send(fixes: RawFix[]): Promise<void> {
  for (let i = 0; i < fixes.length; i += 200) {
    const positions = fixes.slice(i, i + 200).map((f) => ({ lat: f.lat, lng: f.lng, speed: f.speed * 3.6, bearing: f.bearing, accuracy: 5, timestamp: f.t }));
    sock.send({ action: 'location_batch', id: 'van1', seq: ++seq, payload: { positions } });
    assert.deepEqual(await sock.next((m) => m.type === 'ack' || m.type === 'error', 10_000), { type: 'ack', seq });
  }
  await s.ctx.trips.idle();
}

const current = async (device = 'van1', token = boss) => {
  const r = await s.api('GET', `/api/v1/devices/${device}/trips/current`, { token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as CurrentTripAnswer).trip;
};
const summary = async () => {
  const r = await s.api('GET', `/api/v1/trips/day-summary?${period}`, { token: boss });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as DaySummaryRow[];
};

test('a parked or silent device has no trip in progress', async () => {
  assert.equal(await current('van2'), null);
  const rows = await summary();
  assert.deepEqual(
    rows.map((r) => [r.device_id, r.trips, r.in_progress]),
    [
      ['van1', 0, false],
      ['van2', 0, false],
    ],
  );
});

test('while the van drives, the trip in progress grows; the day summary counts it; parked, it becomes a finished trip', async () => {
  const tr = new Trace(undefined, DAY + 9 * 3600_000).stand(60).accelerate(15, 2).drive(120, 15);
  await send(tr.fixes);
  const first = await current();
  assert.ok(first, 'a trip is in progress');
  assert.equal(first.in_progress, true);
  assert.equal(first.device_id, 'van1');
  assert.ok(first.distance_m > 1000 && first.distance_m <= tr.truth + 5, `${first.distance_m} of ${tr.truth}`);
  assert.equal(first.last_fix, new Date(tr.t).toISOString());
  assert.equal(first.duration_s, (Date.parse(first.last_fix) - Date.parse(first.start)) / 1000);
  assert.ok(first.geometry.geometry.coordinates.length > 10, 'first.geometry.geometry.coordinates.length > 10');
  assert.deepEqual(first.driving_events, [], 'a smooth drive so far');
  assert.ok(Math.abs(first.max_speed - 15) < 0.5, String(first.max_speed));

  let rows = await summary();
  const van1 = rows.find((r) => r.device_id === 'van1')!;
  assert.deepEqual(
    { trips: van1.trips, in_progress: van1.in_progress, name: van1.name, plate: van1.vehicle_plate, score: van1.score },
    { trips: 1, in_progress: true, name: 'Van 1', plate: 'M-FD 1', score: null },
  );
  assert.equal(van1.distance_m, first.distance_m);

  const n = tr.fixes.length;
  tr.drive(60, 15);
  await send(tr.fixes.slice(n));
  const second = (await current())!;
  assert.equal(second.start, first.start);
  assert.ok(second.distance_m > first.distance_m + 800, `${second.distance_m} after ${first.distance_m}`);

  const m = tr.fixes.length;
  tr.accelerate(0, -2.5).stand(400);
  await send(tr.fixes.slice(m));
  assert.equal(await current(), null);
  const done = (await s.api('GET', `/api/v1/devices/van1/trips?${period}`, { token: boss })).body as TripSummary[];
  assert.equal(done.filter((t) => t.kind === 'rich').length, 1);
  rows = await summary();
  const after = rows.find((r) => r.device_id === 'van1')!;
  assert.equal(after.trips, 1);
  assert.equal(after.in_progress, false);
  assert.equal(after.distance_m, done[0]!.distance_m);
  assert.equal(after.score, done[0]!.score);
  assert.equal(after.max_speed, done[0]!.max_speed);
});

test('the day summary of another day is empty of trips; a bad period is refused', async () => {
  const r = await s.api('GET', `/api/v1/trips/day-summary?from=${new Date(DAY - 86_400_000).toISOString()}&to=${new Date(DAY).toISOString()}`, { token: boss });
  assert.equal(r.status, 200);
  assert.ok((r.body as DaySummaryRow[]).every((row) => row.trips === 0 && row.distance_m === 0), '(r.body as DaySummaryRow[]).every((row) => row.trips === 0 && row.distance_m === 0)');
  const bad = await s.api('GET', `/api/v1/trips/day-summary?from=${new Date(DAY).toISOString()}&to=${new Date(DAY - 1000).toISOString()}`, { token: boss });
  assert.equal(bad.status, 400);
});

test('office may read; drivers, other companies and anonymous callers may not', async () => {
  assert.equal((await s.api('GET', '/api/v1/devices/van1/trips/current', { token: s.token(C, 'clerk') })).status, 200);
  assert.equal((await s.api('GET', '/api/v1/trips/day-summary', { token: s.token(C, 'clerk') })).status, 200);
  assert.equal((await s.api('GET', '/api/v1/devices/van1/trips/current', { token: s.token(C, 'van1') })).status, 403);
  assert.equal((await s.api('GET', '/api/v1/trips/day-summary', { token: s.token(C, 'van1') })).status, 403);
  assert.equal((await s.api('GET', '/api/v1/devices/van1/trips/current', { token: s.token('globex', 'gboss') })).status, 404);
  const theirs = await s.api('GET', '/api/v1/trips/day-summary', { token: s.token('globex', 'gboss') });
  assert.deepEqual(theirs.body, []);
  assert.equal((await s.api('GET', '/api/v1/trips/day-summary')).status, 401);
});

test('both routes are in the OpenAPI document with their schemas', async () => {
  const doc = (await s.api('GET', '/api/v1/openapi.json')).body;
  assert.ok(doc.paths['/api/v1/devices/{id}/trips/current']?.get, 'doc.paths[\'/api/v1/devices/{id}/trips/current\']?.get');
  assert.ok(doc.paths['/api/v1/trips/day-summary']?.get, 'doc.paths[\'/api/v1/trips/day-summary\']?.get');
  assert.ok(doc.components.schemas.CurrentTrip, 'doc.components.schemas.CurrentTrip');
  assert.ok(doc.components.schemas.DaySummaryRow, 'doc.components.schemas.DaySummaryRow');
});
