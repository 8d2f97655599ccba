/**
 * Company API keys: admins create, list and revoke them (REST and CLI); a backend sends one as
 * X-API-Key to read the company's datasets (here the event log) without a user session.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli';
import { startTestServer, tempDir, type TestServer } from '../support/server';

let s: TestServer;
let admin: string;
let office: string;
let betaAdmin: string;

before(async () => {
  s = await startTestServer();
  s.company('acme');
  s.company('beta');
  await s.user('acme', 'boss', 'admin');
  await s.user('acme', 'ops', 'office');
  await s.user('acme', 'DR_1', 'driver');
  await s.user('beta', 'boss', 'admin');
  admin = s.token('acme', 'boss');
  office = s.token('acme', 'ops');
  betaAdmin = s.token('beta', 'boss');
});

after(() => s.stop());

test('admins create a key (shown once), list it without the key, and revoke it; others may not', async () => {
  const created = await s.api('POST', '/api/v1/api-keys', { token: admin, body: { name: '  billing backend ' } });
  assert.equal(created.status, 201);
  assert.equal(created.body.name, 'billing backend');
  assert.match(created.body.key, /^fdk_[A-Za-z0-9_-]{43}$/);
  assert.equal(created.body.key.startsWith(created.body.prefix), true);
  assert.equal(created.body.last_used_at, null);

  const list = await s.api('GET', '/api/v1/api-keys', { token: admin });
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.map((k: { name: string }) => k.name), ['billing backend']);
  assert.equal(JSON.stringify(list.body).includes(created.body.key), false, 'the key is never shown again');
  assert.equal((await s.api('GET', '/api/v1/api-keys', { token: betaAdmin })).body.length, 0, 'companies see their own keys only');

  for (const token of [office, s.token('acme', 'DR_1')]) {
    assert.equal((await s.api('GET', '/api/v1/api-keys', { token })).status, 403);
    assert.equal((await s.api('POST', '/api/v1/api-keys', { token, body: { name: 'x' } })).status, 403);
  }
  assert.equal((await s.api('POST', '/api/v1/api-keys', { token: admin, body: { name: '   ' } })).status, 400);
  assert.equal((await s.api('POST', '/api/v1/api-keys', { token: admin, body: {} })).status, 400);
  assert.equal((await s.api('DELETE', `/api/v1/api-keys/${created.body.id}`, { token: betaAdmin })).status, 404, "another company's key");
  assert.equal((await s.api('DELETE', '/api/v1/api-keys/abc', { token: admin })).status, 400);
  assert.equal((await s.api('DELETE', `/api/v1/api-keys/${created.body.id}`, { token: admin })).status, 204);
  assert.equal((await s.api('DELETE', `/api/v1/api-keys/${created.body.id}`, { token: admin })).status, 404);
});

test('X-API-Key reads the company datasets; a wrong or revoked key is 401; a key never reads another company', async () => {
  const { row, key } = s.ctx.apiKeys.create('acme', 'backend');
  const events = await s.api('GET', '/api/v1/events', { headers: { 'x-api-key': key } });
  assert.equal(events.status, 200, JSON.stringify(events.body));
  assert.ok(Array.isArray(events.body), 'Array.isArray(events.body)');
  assert.ok(s.ctx.apiKeys.list('acme').find((k) => k.id === row.id)?.last_used_at, 'use is noted');

  const wrong = await s.api('GET', '/api/v1/events', { headers: { 'x-api-key': 'fdk_not-a-real-key' } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error, 'Unauthorized');
  assert.match(wrong.body.message, /API key is not valid/);
  // Without any credential it is 401 as for every protected route; a driver token is 403.
  assert.equal((await s.api('GET', '/api/v1/events')).status, 401);
  assert.equal((await s.api('GET', '/api/v1/events', { token: s.token('acme', 'DR_1') })).status, 403);
  // An office token works as well.
  assert.equal((await s.api('GET', '/api/v1/events', { token: office })).status, 200);

  s.ctx.apiKeys.revoke('acme', row.id);
  assert.equal((await s.api('GET', '/api/v1/events', { headers: { 'x-api-key': key } })).status, 401);
});

test('CLI: api-key create prints the key once, list shows it without the key, revoke removes it; errors are one line', () => {
  const data = tempDir();
  assert.equal(runCli(['company', 'add', 'Acme', '--id', 'acme', '--data', data]).status, 0);
  const created = runCli(['api-key', 'create', '--company', 'acme', '--name', 'erp', '--data', data]);
  assert.equal(created.status, 0, created.stderr);
  const key = created.stdout.trim();
  assert.match(key, /^fdk_/);
  const list = runCli(['api-key', 'list', '--company', 'acme', '--data', data]);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^1\terp\tfdk_\S+…\t\S+\tnever used\n$/);
  assert.equal(list.stdout.includes(key), false);
  assert.equal(runCli(['api-key', 'revoke', '--company', 'acme', '--id', '1', '--data', data]).stdout.trim(), 'revoked 1');
  for (const args of [
    ['api-key', 'revoke', '--company', 'acme', '--id', '1'],
    ['api-key', 'revoke', '--company', 'acme', '--id', 'one'],
    ['api-key', 'create', '--company', 'nope', '--name', 'x'],
    ['api-key', 'create', '--company', 'acme', '--name', ' '],
  ]) {
    const r = runCli([...args, '--data', data]);
    assert.notEqual(r.status, 0, args.join(' '));
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^fleetdesk: /);
  }
});
