import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SCHEMA_VERSION } from '../../main/server/store/migrations';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

let s: TestServer;
before(async () => {
  s = await startTestServer({ login: { maxPerAccount: 3, windowMs: 60_000 } });
  s.company('acme');
  s.company('beta');
  await s.user('acme', 'ops', 'office', { password: 'office-password' });
  await s.user('acme', 'boss', 'admin', { password: 'admin-password' });
  await s.user('acme', 'DR_1', 'driver');
  await s.user('acme', 'gone', 'office', { password: 'gone-password' });
  await s.user('beta', 'ops', 'office', { password: 'beta-password' });
});
after(() => s.stop());

const login = (company: string, user_id: string, password: string) => s.api('POST', '/api/v1/auth/login', { body: { company, user_id, password } });

test('health answers without authentication', async () => {
  const r = await s.api('GET', '/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.equal(r.body.schema_version, SCHEMA_VERSION);
  assert.match(r.body.version, /^\d+\.\d+\.\d+/);
});

test('office and admin users sign in and get a token with their role and company', async () => {
  for (const [user, password, role] of [
    ['ops', 'office-password', 'office'],
    ['boss', 'admin-password', 'admin'],
  ] as const) {
    const r = await login('acme', user, password);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.user, { id: user, role, company: 'acme' });
    const claims = JSON.parse(Buffer.from(r.body.token.split('.')[1], 'base64url').toString());
    assert.equal(claims.sub, user);
    assert.equal(claims.role, role);
    assert.equal(claims.company, 'acme');
    assert.equal(new Date(r.body.expires_at).getTime(), claims.exp * 1000);
    // The token works on the WebSocket API.
    const ws = await TestSocket.open(s.wsUrl);
    const reply = await ws.authenticate(user, 'office', r.body.token);
    assert.deepEqual(reply, { type: 'authenticated', user_id: user, role: 'office', company: 'acme' });
    ws.close();
  }
});

test('the same user id in another company is another account', async () => {
  assert.equal((await login('beta', 'ops', 'office-password')).status, 401);
  assert.equal((await login('beta', 'ops', 'beta-password')).status, 200);
});

test('wrong password, unknown user and unknown company answer 401 with the same message', async () => {
  const answers = [await login('acme', 'boss', 'wrong-password'), await login('acme', 'nobody', 'whatever1'), await login('nope', 'boss', 'admin-password')];
  for (const r of answers) {
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { error: 'Unauthorized', message: 'wrong company, user or password' });
  }
});

test('drivers cannot sign in with a password; disabled users cannot sign in', async () => {
  const d = await login('acme', 'DR_1', 'anything-at-all');
  assert.equal(d.status, 401, 'a driver has no password, so any password is wrong');
  s.ctx.users.update('acme', 'gone', { disabled: true });
  const g = await login('acme', 'gone', 'gone-password');
  assert.equal(g.status, 401);
});

test('malformed login bodies are 400 with a message', async () => {
  for (const body of [{}, { company: 'acme', user_id: 'boss' }, { company: 'acme', user_id: 'boss', password: 'x', extra: 1 }, 'not json']) {
    const r = await s.api('POST', '/api/v1/auth/login', { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error, 'BadRequest');
    assert.ok(r.body.message.length > 0, 'r.body.message.length > 0');
  }
});

test('failed sign-ins are rate-limited per account with Retry-After, and other accounts are unaffected', async () => {
  await s.user('acme', 'target', 'office', { password: 'target-password' });
  for (let i = 0; i < 3; i++) assert.equal((await login('acme', 'target', 'bad-guess-' + i)).status, 401);
  const limited = await login('acme', 'target', 'target-password');
  assert.equal(limited.status, 429, 'even the right password waits once the account is locked');
  assert.equal(limited.body.error, 'RateLimited');
  assert.ok(Number(limited.headers.get('retry-after')) > 0, 'Number(limited.headers.get(\'retry-after\')) > 0');
  assert.equal((await login('acme', 'ops', 'office-password')).status, 200);
});

test('the JWT secret is kept in the data folder with owner-only permissions and survives a restart', async () => {
  const file = path.join(s.dataDir, 'jwt-secret');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const token = s.token('acme', 'ops');
  const other = await startTestServer({ dataDir: s.dataDir });
  try {
    const r = await other.api('GET', '/api/v1/health');
    assert.equal(r.status, 200);
    const ws = await TestSocket.open(other.wsUrl);
    assert.equal((await ws.authenticate('ops', 'office', token)).type, 'authenticated');
    ws.close();
  } finally {
    await other.stop();
  }
});
