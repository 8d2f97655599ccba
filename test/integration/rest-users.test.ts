/** /api/v1/users: admins manage their company's users. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';

let s: TestServer;
let admin: string;

const login = (user_id: string, password: string) => s.api('POST', '/api/v1/auth/login', { body: { company: 'acme', user_id, password } });

function assertError(res: { status: number; body: { error: string; message: string } }, status: number, message: RegExp, what = ''): void {
  assert.equal(res.status, status, `${what} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error, { 400: 'BadRequest', 401: 'Unauthorized', 404: 'NotFound', 409: 'Conflict' }[status], what);
  assert.match(res.body.message, message, what);
}

before(async () => {
  s = await startTestServer();
  s.company('acme');
  await s.user('acme', 'AD_1', 'admin');
  await s.user('acme', 'OF_1', 'office', { display_name: 'Dispatch', phone: '+251 911 000000' });
  await s.user('acme', 'DR_1', 'driver');
  admin = s.token('acme', 'AD_1');
});
after(async () => {
  await s.stop();
  fs.rmSync(s.dataDir, { recursive: true, force: true });
});

test('GET /users lists the company users, optionally of one role', async () => {
  const all = await s.api('GET', '/api/v1/users', { token: admin });
  assert.equal(all.status, 200);
  assert.deepEqual(
    all.body.map((u: { id: string; role: string }) => [u.id, u.role]),
    [
      ['AD_1', 'admin'],
      ['DR_1', 'driver'],
      ['OF_1', 'office'],
    ],
  );
  const drivers = await s.api('GET', '/api/v1/users?role=driver', { token: admin });
  assert.deepEqual(
    drivers.body.map((u: { id: string }) => u.id),
    ['DR_1'],
  );
  assertError(await s.api('GET', '/api/v1/users?role=owner', { token: admin }), 400, /role/);
});

test('GET /users/:id returns one user and 404 for an unknown id', async () => {
  const res = await s.api('GET', '/api/v1/users/OF_1', { token: admin });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, {
    id: 'OF_1',
    role: 'office',
    display_name: 'Dispatch',
    first_name: null,
    last_name: null,
    phone: '+251 911 000000',
    vehicle_plate: null,
    disabled: false,
    has_password: false,
    created_at: new Date(s.ctx.users.get('acme', 'OF_1')!.created_at).toISOString(),
  });
  assertError(await s.api('GET', '/api/v1/users/NOPE', { token: admin }), 404, /NOPE/);
});

test('POST /users adds an office user who can then sign in, and a driver without password', async () => {
  const res = await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'OF_2', role: 'office', password: 'correct horse', first_name: 'Hana' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.id, 'OF_2');
  assert.equal(res.body.role, 'office');
  assert.equal(res.body.first_name, 'Hana');
  assert.equal(res.body.has_password, true);
  assert.equal(res.body.disabled, false);
  assert.equal((await login('OF_2', 'correct horse')).status, 200);

  const driver = await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'DR_2', role: 'driver', vehicle_plate: 'AA-2-22222' } });
  assert.equal(driver.status, 201);
  assert.equal(driver.body.has_password, false);
  assert.equal((await s.api('GET', '/api/v1/devices/DR_2', { token: admin })).body.vehicle_plate, 'AA-2-22222');
});

test('POST /users answers 409 for a taken id and 400 for bad input', async () => {
  assertError(await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'OF_1', role: 'office' } }), 409, /already exists/);
  assertError(await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'DR_3', role: 'driver', password: 'long enough' } }), 400, /drivers have no password/);
  assertError(await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'OF_3', role: 'office', password: 'short' } }), 400, /password.*8/);
  assertError(await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'no spaces', role: 'office' } }), 400, /body\/id/);
  assertError(await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'OF_3' } }), 400, /role/);
  assertError(await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'OF_3', role: 'owner' } }), 400, /role/);
  assertError(await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'OF_3', role: 'office', company: 'other' } }), 400, /additional properties/i);
  assert.equal(s.ctx.users.get('acme', 'DR_3'), undefined);
  assert.equal(s.ctx.users.get('acme', 'OF_3'), undefined);
});

test('PATCH /users/:id changes profile and password; the new password signs in, the old one not', async () => {
  await s.user('acme', 'OF_PW', 'office', { password: 'first password' });
  const before = s.token('acme', 'OF_PW');
  assert.equal((await s.api('GET', '/api/v1/devices', { token: before })).status, 200);
  const res = await s.api('PATCH', '/api/v1/users/OF_PW', { token: admin, body: { password: 'second password', last_name: 'Tesfaye' } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.last_name, 'Tesfaye');
  assert.equal(res.body.has_password, true);
  assert.equal((await login('OF_PW', 'first password')).status, 401);
  assert.equal((await login('OF_PW', 'second password')).status, 200);
  assert.equal((await s.api('GET', '/api/v1/devices', { token: before })).status, 401, 'a new password ends the old sessions');
  const cleared = await s.api('PATCH', '/api/v1/users/OF_PW', { token: admin, body: { last_name: null } });
  assert.equal(cleared.body.last_name, null);
  assert.equal(s.ctx.users.get('acme', 'OF_PW')!.last_name, null);
});

test('PATCH /users/:id role change and disabling revoke the user’s tokens', async () => {
  await s.user('acme', 'OF_R', 'office');
  const before = s.token('acme', 'OF_R');
  assert.equal((await s.api('GET', '/api/v1/devices', { token: before })).status, 200);
  const promoted = await s.api('PATCH', '/api/v1/users/OF_R', { token: admin, body: { role: 'admin' } });
  assert.equal(promoted.status, 200);
  assert.equal(promoted.body.role, 'admin');
  assertError(await s.api('GET', '/api/v1/devices', { token: before }), 401, /revoked/);
  const after = s.token('acme', 'OF_R');
  assert.equal((await s.api('GET', '/api/v1/users', { token: after })).status, 200); // now an admin

  const disabled = await s.api('PATCH', '/api/v1/users/OF_R', { token: admin, body: { disabled: true } });
  assert.equal(disabled.status, 200);
  assert.equal(disabled.body.disabled, true);
  assertError(await s.api('GET', '/api/v1/devices', { token: after }), 401, /disabled/);
  const enabled = await s.api('PATCH', '/api/v1/users/OF_R', { token: admin, body: { disabled: false } });
  assert.equal(enabled.body.disabled, false);
});

test('PATCH /users/:id keeps drivers password-less', async () => {
  await s.user('acme', 'OF_D', 'office', { password: 'office password' });
  assertError(await s.api('PATCH', '/api/v1/users/DR_1', { token: admin, body: { password: 'long enough' } }), 400, /drivers have no password/);
  assertError(await s.api('PATCH', '/api/v1/users/OF_D', { token: admin, body: { role: 'driver', password: 'long enough' } }), 400, /drivers have no password/);
  const demoted = await s.api('PATCH', '/api/v1/users/OF_D', { token: admin, body: { role: 'driver' } });
  assert.equal(demoted.status, 200);
  assert.equal(demoted.body.role, 'driver');
  assert.equal(demoted.body.has_password, false);
  assert.equal(s.ctx.users.get('acme', 'DR_1')!.password_hash, null);
});

test('an admin may not disable or demote themself, but may edit their own profile', async () => {
  assertError(await s.api('PATCH', '/api/v1/users/AD_1', { token: admin, body: { disabled: true } }), 400, /cannot disable yourself/);
  assertError(await s.api('PATCH', '/api/v1/users/AD_1', { token: admin, body: { role: 'office' } }), 400, /cannot change your own role/);
  const own = await s.api('PATCH', '/api/v1/users/AD_1', { token: admin, body: { role: 'admin', display_name: 'Boss' } });
  assert.equal(own.status, 200);
  assert.equal(own.body.display_name, 'Boss');
  assert.equal(s.ctx.users.get('acme', 'AD_1')!.role, 'admin');
  assert.equal((await s.api('GET', '/api/v1/users', { token: admin })).status, 200); // the token still works
});

test('PATCH /users/:id answers 404 for an unknown id and 400 for a bad body', async () => {
  assertError(await s.api('PATCH', '/api/v1/users/NOPE', { token: admin, body: { phone: '1' } }), 404, /NOPE/);
  assertError(await s.api('PATCH', '/api/v1/users/OF_1', { token: admin, body: {} }), 400, /properties/);
  assertError(await s.api('PATCH', '/api/v1/users/OF_1', { token: admin, body: { password: 'short' } }), 400, /password/);
  assertError(await s.api('PATCH', '/api/v1/users/OF_1', { token: admin, body: { token_version: 0 } }), 400, /additional properties/i);
  assertError(await s.api('PATCH', '/api/v1/users/OF_1', { token: admin, body: { disabled: 'maybe' } }), 400, /disabled/);
});

test('a user deleted and created again under the same id does not inherit the old tokens', async () => {
  await s.user('acme', 'OF_AGAIN', 'office');
  const old = s.token('acme', 'OF_AGAIN');
  assert.equal((await s.api('DELETE', '/api/v1/users/OF_AGAIN', { token: admin })).status, 204);
  assert.equal((await s.api('POST', '/api/v1/users', { token: admin, body: { id: 'OF_AGAIN', role: 'office' } })).status, 201);
  const r = await s.api('GET', '/api/v1/devices', { token: old });
  assert.equal(r.status, 401);
  assert.equal((await s.api('GET', '/api/v1/devices', { token: s.token('acme', 'OF_AGAIN') })).status, 200);
});

test('DELETE /users/:id removes the user; never yourself; 404 for an unknown id', async () => {
  await s.user('acme', 'OF_DEL', 'office');
  const token = s.token('acme', 'OF_DEL');
  const res = await s.api('DELETE', '/api/v1/users/OF_DEL', { token: admin });
  assert.equal(res.status, 204);
  assert.equal(res.body, null);
  assert.equal(s.ctx.users.get('acme', 'OF_DEL'), undefined);
  assertError(await s.api('GET', '/api/v1/users/OF_DEL', { token: admin }), 404, /OF_DEL/);
  assertError(await s.api('GET', '/api/v1/devices', { token }), 401, /does not exist/);
  assertError(await s.api('DELETE', '/api/v1/users/OF_DEL', { token: admin }), 404, /OF_DEL/);
  assertError(await s.api('DELETE', '/api/v1/users/AD_1', { token: admin }), 400, /cannot delete yourself/);
  assert.ok(s.ctx.users.get('acme', 'AD_1'), 's.ctx.users.get(\'acme\', \'AD_1\')');
});

test('POST /users/:id/revoke-tokens makes old tokens answer 401; new ones work', async () => {
  await s.user('acme', 'OF_T', 'office');
  await s.user('acme', 'DR_T', 'driver');
  const officeOld = s.token('acme', 'OF_T');
  const driverOld = s.token('acme', 'DR_T');
  for (const id of ['OF_T', 'DR_T']) {
    const res = await s.api('POST', `/api/v1/users/${id}/revoke-tokens`, { token: admin });
    assert.equal(res.status, 204, id);
    assert.equal(res.body, null);
  }
  assertError(await s.api('GET', '/api/v1/devices', { token: officeOld }), 401, /revoked/);
  const location = { id: 'DR_T', payload: { lat: 9.01, lng: 38.76, speed: 10, bearing: 0 } };
  assertError(await s.api('POST', '/v1/driver/location', { token: driverOld, body: location }), 401, /revoked/);
  assert.equal((await s.api('GET', '/api/v1/devices', { token: s.token('acme', 'OF_T') })).status, 200);
  assert.equal((await s.api('POST', '/v1/driver/location', { token: s.token('acme', 'DR_T'), body: location })).status, 200);
  assertError(await s.api('POST', '/api/v1/users/NOPE/revoke-tokens', { token: admin }), 404, /NOPE/);
});
