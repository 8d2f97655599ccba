/** Who may call which /api/v1 route: 401 without a valid token, 403 for the wrong role. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import jwt from 'jsonwebtoken';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';

interface Call {
  method: string;
  path: string;
  body?: unknown;
}

/** Every REST route, with a body that passes its schema, so only authentication decides. */
const OFFICE_ROUTES: Call[] = [
  { method: 'GET', path: '/api/v1/devices' },
  { method: 'GET', path: '/api/v1/devices/DR_1' },
  { method: 'PATCH', path: '/api/v1/devices/DR_1', body: { display_name: 'Truck 1' } },
  { method: 'GET', path: '/api/v1/positions/latest' },
  { method: 'GET', path: '/api/v1/devices/DR_1/positions' },
  { method: 'GET', path: '/api/v1/companies' },
  { method: 'GET', path: '/api/v1/companies/acme' },
  { method: 'GET', path: '/api/v1/company' },
];
const ADMIN_ROUTES: Call[] = [
  { method: 'PATCH', path: '/api/v1/companies/acme', body: { name: 'Acme Two' } },
  { method: 'GET', path: '/api/v1/users' },
  { method: 'GET', path: '/api/v1/users/OF_1' },
  { method: 'POST', path: '/api/v1/users', body: { id: 'NEW_1', role: 'office', password: 'long enough' } },
  { method: 'PATCH', path: '/api/v1/users/OF_1', body: { phone: '+251 911 000000' } },
  { method: 'DELETE', path: '/api/v1/users/DR_2' },
  { method: 'POST', path: '/api/v1/users/DR_2/revoke-tokens' },
];
const ALL_ROUTES = [...OFFICE_ROUTES, ...ADMIN_ROUTES];

let s: TestServer;
before(async () => {
  s = await startTestServer();
  s.company('acme');
  await s.user('acme', 'AD_1', 'admin', { password: 'admin password' });
  await s.user('acme', 'OF_1', 'office', { password: 'office password' });
  await s.user('acme', 'DR_1', 'driver');
  await s.user('acme', 'DR_2', 'driver');
});
after(async () => {
  await s.stop();
  fs.rmSync(s.dataDir, { recursive: true, force: true });
});

const label = (c: Call) => `${c.method} ${c.path}`;

function assertError(res: { status: number; body: { error: string; message: string } }, status: number, error: string, what: string): void {
  assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error, error, what);
  assert.equal(typeof res.body.message, 'string', what);
  assert.ok(res.body.message.length > 0, what);
}

test('every route answers 401 without a token, with a WWW-Authenticate challenge', async () => {
  for (const c of ALL_ROUTES) {
    const res = await s.api(c.method, c.path, { body: c.body });
    assertError(res, 401, 'Unauthorized', label(c));
    assert.equal(res.headers.get('www-authenticate'), 'Bearer', label(c));
  }
});

test('every route answers 401 to a malformed header, a forged token and an expired token', async () => {
  const forged = jwt.sign({ role: 'admin', company: 'acme', uid: s.ctx.users.get('acme', 'AD_1')!.pk, tv: 0 }, 'not the server secret', { algorithm: 'HS256', subject: 'AD_1', expiresIn: 3600 });
  const expired = s.ctx.tokens.sign({ userId: 'AD_1', userPk: s.ctx.users.get('acme', 'AD_1')!.pk, role: 'admin', company: 'acme', tokenVersion: 0 }, -60).token;
  for (const c of ALL_ROUTES) {
    assertError(await s.api(c.method, c.path, { body: c.body, headers: { authorization: 'Basic QUQ6cHc=' } }), 401, 'Unauthorized', `${label(c)} basic`);
    assertError(await s.api(c.method, c.path, { body: c.body, token: 'not-a-jwt' }), 401, 'Unauthorized', `${label(c)} garbage`);
    assertError(await s.api(c.method, c.path, { body: c.body, token: forged }), 401, 'Unauthorized', `${label(c)} forged`);
    const res = await s.api(c.method, c.path, { body: c.body, token: expired });
    assertError(res, 401, 'Unauthorized', `${label(c)} expired`);
    assert.match(res.body.message, /expired/, label(c));
  }
});

test('a driver token gets 403 on every route', async () => {
  const driver = s.token('acme', 'DR_1');
  for (const c of ALL_ROUTES) {
    const res = await s.api(c.method, c.path, { body: c.body, token: driver });
    assertError(res, 403, 'Forbidden', label(c));
  }
  // and nothing changed
  assert.equal(s.ctx.users.get('acme', 'DR_1')!.display_name, null);
  assert.ok(s.ctx.users.get('acme', 'DR_2'), 's.ctx.users.get(\'acme\', \'DR_2\')');
});

test('an office token reads office routes and gets 403 on admin routes', async () => {
  const office = s.token('acme', 'OF_1');
  for (const c of OFFICE_ROUTES) {
    const res = await s.api(c.method, c.path, { body: c.body, token: office });
    assert.equal(res.status, 200, `${label(c)}: ${JSON.stringify(res.body)}`);
  }
  for (const c of ADMIN_ROUTES) {
    const res = await s.api(c.method, c.path, { body: c.body, token: office });
    assertError(res, 403, 'Forbidden', label(c));
    assert.match(res.body.message, /admin/, label(c));
  }
  assert.equal(s.ctx.companies.get('acme')!.name, 'acme');
  assert.equal(s.ctx.users.get('acme', 'NEW_1'), undefined);
});

test('the 401 and 403 come before body validation, so they reveal nothing of the schema', async () => {
  const bad = { nonsense: true };
  assertError(await s.api('POST', '/api/v1/users', { body: bad }), 401, 'Unauthorized', 'anonymous');
  assertError(await s.api('POST', '/api/v1/users', { body: bad, token: s.token('acme', 'OF_1') }), 403, 'Forbidden', 'office');
  assertError(await s.api('POST', '/api/v1/users', { body: bad, token: s.token('acme', 'AD_1') }), 400, 'BadRequest', 'admin');
});

test('a token stops working once its user is disabled', async () => {
  await s.user('acme', 'OF_GONE', 'office', { password: 'office password' });
  const token = s.token('acme', 'OF_GONE');
  assert.equal((await s.api('GET', '/api/v1/devices', { token })).status, 200);
  s.ctx.users.update('acme', 'OF_GONE', { disabled: true });
  assertError(await s.api('GET', '/api/v1/devices', { token }), 401, 'Unauthorized', 'disabled');
});
