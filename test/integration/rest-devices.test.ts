/** /api/v1/devices: the company's drivers, named by its display-field preference. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';

let s: TestServer;
let office: string;
let admin: string;

/** Stores a position through the real HTTP fallback (speed in km/h there). */
async function sendLocation(driver: string, payload: Record<string, unknown>): Promise<void> {
  const res = await s.api('POST', '/v1/driver/location', { token: s.token('acme', driver), body: { id: driver, payload } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

before(async () => {
  s = await startTestServer({ ws: { minUpdateIntervalMs: 0 } });
  s.company('acme');
  await s.user('acme', 'AD_1', 'admin');
  await s.user('acme', 'OF_1', 'office');
  await s.user('acme', 'DR_1', 'driver', { display_name: 'Abebe', first_name: 'Abebe', last_name: 'Kebede', phone: '+251 911 111111', vehicle_plate: 'AA-3-12345' });
  await s.user('acme', 'DR_2', 'driver');
  await s.user('acme', 'DR_3', 'driver', { first_name: 'Sara' });
  office = s.token('acme', 'OF_1');
  admin = s.token('acme', 'AD_1');
});
after(async () => {
  await s.stop();
  fs.rmSync(s.dataDir, { recursive: true, force: true });
});

test('GET /devices lists only drivers, ordered by id, with their profile and no position yet', async () => {
  const res = await s.api('GET', '/api/v1/devices', { token: office });
  assert.equal(res.status, 200);
  assert.deepEqual(
    res.body.map((d: { id: string }) => d.id),
    ['DR_1', 'DR_2', 'DR_3'],
  );
  assert.deepEqual(res.body[0], {
    id: 'DR_1',
    name: 'Abebe',
    display_name: 'Abebe',
    first_name: 'Abebe',
    last_name: 'Kebede',
    phone: '+251 911 111111',
    vehicle_plate: 'AA-3-12345',
    disabled: false,
    last_position: null,
    status: null,
  });
  // no display name: the user id names the device
  assert.equal(res.body[1].name, 'DR_2');
});

test('GET /devices and /devices/:id carry the last position in SI units', async () => {
  await sendLocation('DR_1', { lat: 9.0101, lng: 38.7601, speed: 36, bearing: 450, accuracy: 5, altitude: 2300, timestamp: '2024-05-01T08:00:00Z' });
  await sendLocation('DR_1', { lat: 9.0112, lng: 38.7612, speed: 72, bearing: 90, timestamp: '2024-05-01T08:00:10Z' });
  await sendLocation('DR_1', { lat: 9.0003, lng: 38.7503, speed: 18, bearing: 0, timestamp: '2024-05-01T07:59:00Z' }); // late fix: not the last

  const one = await s.api('GET', '/api/v1/devices/DR_1', { token: office });
  assert.equal(one.status, 200);
  const p = one.body.last_position;
  assert.equal(p.lat, 9.0112);
  assert.equal(p.lng, 38.7612);
  assert.equal(p.speed, 20); // 72 km/h
  assert.equal(p.bearing, 90);
  assert.equal(p.accuracy, null);
  assert.equal(p.altitude, null);
  assert.equal(p.device_time, '2024-05-01T08:00:10.000Z');
  assert.ok(Math.abs(Date.parse(p.server_time) - Date.now()) < 60_000, 'Math.abs(Date.parse(p.server_time) - Date.now()) < 60_000');

  const list = await s.api('GET', '/api/v1/devices', { token: admin });
  assert.deepEqual(list.body.find((d: { id: string }) => d.id === 'DR_1').last_position, p);
  assert.equal(list.body.find((d: { id: string }) => d.id === 'DR_2').last_position, null);
});

test("the company's display_field decides every device's name, with fallbacks", async () => {
  const names = async () => Object.fromEntries((await s.api('GET', '/api/v1/devices', { token: office })).body.map((d: { id: string; name: string }) => [d.id, d.name]));
  const setField = async (display_field: string) => {
    const res = await s.api('PATCH', '/api/v1/companies/acme', { token: admin, body: { display_field } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.display_field, display_field);
  };
  try {
    await setField('vehicle_plate');
    assert.deepEqual(await names(), { DR_1: 'AA-3-12345', DR_2: 'DR_2', DR_3: 'DR_3' });
    await setField('full_name');
    assert.deepEqual(await names(), { DR_1: 'Abebe Kebede', DR_2: 'DR_2', DR_3: 'Sara' });
    await setField('user_id');
    assert.deepEqual(await names(), { DR_1: 'DR_1', DR_2: 'DR_2', DR_3: 'DR_3' });
    await setField('phone');
    assert.equal((await s.api('GET', '/api/v1/devices/DR_1', { token: office })).body.name, '+251 911 111111');
    const latest = await s.api('GET', '/api/v1/positions/latest', { token: office });
    assert.deepEqual(latest.body.map((l: { id: string; name: string }) => [l.id, l.name]), [['DR_1', '+251 911 111111']]);
  } finally {
    await setField('display_name');
  }
  assert.deepEqual(await names(), { DR_1: 'Abebe', DR_2: 'DR_2', DR_3: 'DR_3' });
});

test('GET /devices/:id is 404 for an unknown id and for a user who is not a driver', async () => {
  for (const id of ['NOPE', 'OF_1', 'AD_1']) {
    const res = await s.api('GET', `/api/v1/devices/${id}`, { token: office });
    assert.equal(res.status, 404, id);
    assert.equal(res.body.error, 'NotFound');
    assert.match(res.body.message, new RegExp(id));
  }
  const bad = await s.api('GET', `/api/v1/devices/${encodeURIComponent('no spaces allowed')}`, { token: office });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error, 'BadRequest');
  assert.match(bad.body.message, /params\/id/);
});

test('PATCH /devices/:id sets and clears profile fields and returns the device', async () => {
  const res = await s.api('PATCH', '/api/v1/devices/DR_2', { token: office, body: { display_name: 'Truck 2', vehicle_plate: 'AA-2-22222', phone: '+251 922 222222' } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.id, 'DR_2');
  assert.equal(res.body.name, 'Truck 2');
  assert.equal(res.body.vehicle_plate, 'AA-2-22222');
  assert.equal(res.body.first_name, null);
  assert.equal(s.ctx.users.get('acme', 'DR_2')!.phone, '+251 922 222222');

  const cleared = await s.api('PATCH', '/api/v1/devices/DR_2', { token: admin, body: { phone: null } });
  assert.equal(cleared.status, 200);
  assert.equal(cleared.body.display_name, 'Truck 2');
  assert.equal(cleared.body.phone, null);
  assert.equal(cleared.body.vehicle_plate, 'AA-2-22222'); // untouched
  assert.equal(s.ctx.users.get('acme', 'DR_2')!.phone, null); // stored as NULL, not ""
  assert.deepEqual((await s.api('GET', '/api/v1/devices/DR_2', { token: office })).body, cleared.body);
});

test('PATCH /devices/:id rejects bodies outside the schema with 400 and a message', async () => {
  const cases: [unknown, RegExp][] = [
    [{}, /fewer than 1 properties|minProperties/i],
    [{ role: 'admin' }, /additional properties/i],
    [{ display_name: { text: 'Truck' } }, /display_name/],
    [{ display_name: 42 }, /display_name/], // JSON bodies are not type-coerced
    [{ vehicle_plate: 'x'.repeat(201) }, /vehicle_plate/],
  ];
  for (const [body, message] of cases) {
    const res = await s.api('PATCH', '/api/v1/devices/DR_3', { token: office, body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error, 'BadRequest');
    assert.match(res.body.message, message, JSON.stringify(res.body));
  }
  const notJson = await s.api('PATCH', '/api/v1/devices/DR_3', { token: office, body: '{"display_name":' });
  assert.equal(notJson.status, 400);
  assert.equal(notJson.body.error, 'BadRequest');
  assert.equal(s.ctx.users.get('acme', 'DR_3')!.role, 'driver');
  assert.equal(s.ctx.users.get('acme', 'DR_3')!.display_name, null);
});

test('PATCH /devices/:id is 404 for an unknown id and for a non-driver', async () => {
  for (const id of ['NOPE', 'OF_1']) {
    const res = await s.api('PATCH', `/api/v1/devices/${id}`, { token: admin, body: { display_name: 'x' } });
    assert.equal(res.status, 404, id);
    assert.equal(res.body.error, 'NotFound');
  }
  assert.equal(s.ctx.users.get('acme', 'OF_1')!.display_name, null);
});
