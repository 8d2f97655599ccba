/**
 * A refused request names the refused field as data (`details`, shared/api/errors.ts) beside the
 * schema check's message, and an empty display name is refused rather than saved.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';

let s: TestServer;
let admin: string;

before(async () => {
  s = await startTestServer();
  s.company('acme');
  await s.user('acme', 'AD_1', 'admin');
  await s.user('acme', 'DR_1', 'driver', { display_name: 'Van 1' });
  admin = s.token('acme', 'AD_1');
});
after(async () => {
  await s.stop();
  fs.rmSync(s.dataDir, { recursive: true, force: true });
});

test('a number out of range names the field and both of its limits; the message stays as it was', async () => {
  const res = await s.api('PATCH', '/api/v1/companies/acme/trip-settings', { token: admin, body: { stop_radius_m: 5 } });
  assert.equal(res.status, 400);
  assert.equal(res.body.error, 'BadRequest');
  assert.equal(res.body.message, 'body/stop_radius_m must be >= 20'); // backward compatible
  assert.deepEqual(res.body.details, [{ in: 'body', field: 'stop_radius_m', rule: 'minimum', minimum: 20, maximum: 2000 }]);
});

test('a missing field, a wrong type, a field too long and an unknown field each say which rule', async () => {
  const missing = await s.api('POST', '/api/v1/users', { token: admin, body: { role: 'driver' } });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.details[0].field, 'id');
  assert.equal(missing.body.details[0].rule, 'required');

  const wrongType = await s.api('PATCH', '/api/v1/companies/acme/trip-settings', { token: admin, body: { stop_radius_m: 'far' } });
  assert.deepEqual(wrongType.body.details, [{ in: 'body', field: 'stop_radius_m', rule: 'type', expected: 'number', minimum: 20, maximum: 2000 }]);

  const long = await s.api('PATCH', '/api/v1/devices/DR_1', { token: admin, body: { vehicle_plate: 'x'.repeat(201) } });
  assert.deepEqual(long.body.details, [{ in: 'body', field: 'vehicle_plate', rule: 'max_length', max_length: 200 }]);

  const unknown = await s.api('PATCH', '/api/v1/devices/DR_1', { token: admin, body: { colour: 'red' } });
  assert.equal(unknown.body.details[0].field, 'colour');
  assert.equal(unknown.body.details[0].rule, 'unknown_field');

  const choice = await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'X_1', role: 'boss' } });
  assert.equal(choice.body.details[0].field, 'role');
  assert.equal(choice.body.details[0].rule, 'choice');
  assert.deepEqual([...choice.body.details[0].choices].sort(), ['admin', 'driver', 'office']);
});

test('query and path parameters name their part', async () => {
  const res = await s.api('GET', `/api/v1/devices/${encodeURIComponent('no spaces')}`, { token: admin });
  assert.equal(res.status, 400);
  assert.equal(res.body.details[0].in, 'params');
  assert.equal(res.body.details[0].field, 'id');
});

test('an empty, blank or null display name is refused for devices, users and new users, and nothing is saved', async () => {
  for (const display_name of ['', '   ', null]) {
    const device = await s.api('PATCH', '/api/v1/devices/DR_1', { token: admin, body: { display_name } });
    assert.equal(device.status, 400, JSON.stringify(display_name));
    assert.equal(device.body.details[0].field, 'display_name');
    const user = await s.api('PATCH', '/api/v1/users/DR_1', { token: admin, body: { display_name } });
    assert.equal(user.status, 400, JSON.stringify(display_name));
    assert.equal(user.body.details[0].field, 'display_name');
    const created = await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'DR_9', role: 'driver', display_name } });
    assert.equal(created.status, 400, JSON.stringify(display_name));
  }
  assert.equal(s.ctx.users.get('acme', 'DR_1')!.display_name, 'Van 1');
  assert.equal(s.ctx.users.get('acme', 'DR_9'), undefined);
  const renamed = await s.api('PATCH', '/api/v1/devices/DR_1', { token: admin, body: { display_name: 'Van one' } });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.display_name, 'Van one');
});

test('the OpenAPI document describes the details of an error', async () => {
  const doc = (await s.api('GET', '/api/v1/openapi.json')).body;
  const error = doc.components.schemas.Error;
  assert.equal(error.properties.details.type, 'array');
  assert.ok(error.properties.details.items.properties.field, 'error.properties.details.items.properties.field');
});
