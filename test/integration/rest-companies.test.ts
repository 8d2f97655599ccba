/** /api/v1/companies and /api/v1/company: a caller sees and changes its own company only. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';

let s: TestServer;
let admin: string;
let office: string;

before(async () => {
  s = await startTestServer();
  s.company('acme', 'Acme Logistics');
  s.company('globex', 'Globex');
  await s.user('acme', 'AD_1', 'admin');
  await s.user('acme', 'OF_1', 'office');
  await s.user('globex', 'AD_G', 'admin');
  admin = s.token('acme', 'AD_1');
  office = s.token('acme', 'OF_1');
});
after(async () => {
  await s.stop();
  fs.rmSync(s.dataDir, { recursive: true, force: true });
});

test('GET /companies, /company and /companies/:id return the own company', async () => {
  const expected = {
    id: 'acme',
    name: 'Acme Logistics',
    display_field: 'display_name',
    max_connections: null,
    tile_url: null,
    crash_threshold_g: 4,
    owntracks_friends: false,
    created_at: new Date(s.ctx.companies.get('acme')!.created_at).toISOString(),
  };
  for (const token of [office, admin]) {
    const list = await s.api('GET', '/api/v1/companies', { token });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, [expected]);
    assert.deepEqual((await s.api('GET', '/api/v1/company', { token })).body, expected);
    assert.deepEqual((await s.api('GET', '/api/v1/companies/acme', { token })).body, expected);
  }
});

test('another company is 404 whether it exists or not, and its data never shows', async () => {
  const existing = await s.api('GET', '/api/v1/companies/globex', { token: admin });
  const missing = await s.api('GET', '/api/v1/companies/initech', { token: admin });
  assert.equal(existing.status, 404);
  assert.equal(missing.status, 404);
  assert.deepEqual(existing.body, { error: 'NotFound', message: 'no company "globex"' });
  assert.deepEqual(missing.body, { error: 'NotFound', message: 'no company "initech"' });
  const fromGlobex = await s.api('GET', '/api/v1/companies', { token: s.token('globex', 'AD_G') });
  assert.deepEqual(
    fromGlobex.body.map((c: { id: string }) => c.id),
    ['globex'],
  );

  const patch = await s.api('PATCH', '/api/v1/companies/globex', { token: admin, body: { name: 'Taken over' } });
  assert.equal(patch.status, 404);
  assert.equal(patch.body.error, 'NotFound');
  assert.equal(s.ctx.companies.get('globex')!.name, 'Globex');
});

test('an admin changes name, display field and connection limit; null restores the default limit', async () => {
  const res = await s.api('PATCH', '/api/v1/companies/acme', { token: admin, body: { name: '  Acme Freight  ', display_field: 'vehicle_plate', max_connections: 250 } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.name, 'Acme Freight');
  assert.equal(res.body.display_field, 'vehicle_plate');
  assert.equal(res.body.max_connections, 250);
  assert.deepEqual((await s.api('GET', '/api/v1/company', { token: office })).body, res.body);
  assert.equal(s.ctx.companies.get('acme')!.max_connections, 250);

  const cleared = await s.api('PATCH', '/api/v1/companies/acme', { token: admin, body: { max_connections: null } });
  assert.equal(cleared.status, 200);
  assert.equal(cleared.body.max_connections, null);
  assert.equal(cleared.body.name, 'Acme Freight'); // untouched
  assert.equal(s.ctx.companies.get('acme')!.max_connections, null);
});

test('PATCH /companies/:id answers 400 to bodies outside the schema, with a message', async () => {
  const cases: [unknown, RegExp][] = [
    [{}, /properties/],
    [{ name: '' }, /name/],
    [{ name: '   ' }, /needs a name/],
    [{ display_field: 'nickname' }, /display_field/],
    [{ max_connections: 0 }, /max_connections/],
    [{ max_connections: 2.5 }, /max_connections/],
    [{ id: 'new-id' }, /additional properties/i],
  ];
  for (const [body, message] of cases) {
    const res = await s.api('PATCH', '/api/v1/companies/acme', { token: admin, body });
    assert.equal(res.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error, 'BadRequest');
    assert.match(res.body.message, message, JSON.stringify(body));
  }
  assert.equal(s.ctx.companies.get('acme')!.name, 'Acme Freight');
});

test('an office user reads the company but may not change it', async () => {
  const res = await s.api('PATCH', '/api/v1/companies/acme', { token: office, body: { name: 'Office Co' } });
  assert.equal(res.status, 403);
  assert.equal(res.body.error, 'Forbidden');
  assert.equal(s.ctx.companies.get('acme')!.name, 'Acme Freight');
});
