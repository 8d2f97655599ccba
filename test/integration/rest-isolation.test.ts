/** Two companies on one server: neither sees nor touches the other's devices, positions or users. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';

let s: TestServer;
let adminA: string;
let officeB: string;
let adminB: string;

async function sendLocation(company: string, driver: string, lat: number, timestamp: string): Promise<void> {
  const res = await s.api('POST', '/v1/driver/location', { token: s.token(company, driver), body: { id: driver, payload: { lat, lng: 38.76, speed: 20, bearing: 45, timestamp } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

const ids = (body: { id: string }[]) => body.map((x) => x.id);

before(async () => {
  s = await startTestServer();
  s.company('acme');
  s.company('globex');
  await s.user('acme', 'AD_A', 'admin');
  await s.user('acme', 'OF_A', 'office');
  await s.user('acme', 'DR_A', 'driver', { display_name: 'Acme truck' });
  await s.user('acme', 'DR_SAME', 'driver', { display_name: 'Acme same-id truck' });
  await s.user('globex', 'AD_B', 'admin');
  await s.user('globex', 'OF_B', 'office');
  await s.user('globex', 'DR_SAME', 'driver', { display_name: 'Globex same-id truck' });
  adminA = s.token('acme', 'AD_A');
  officeB = s.token('globex', 'OF_B');
  adminB = s.token('globex', 'AD_B');
  const recent = new Date(Date.now() - 60_000).toISOString();
  await sendLocation('acme', 'DR_A', 9.1, recent);
  await sendLocation('acme', 'DR_SAME', 9.2, recent);
  await sendLocation('globex', 'DR_SAME', 8.5, recent);
});
after(async () => {
  await s.stop();
  fs.rmSync(s.dataDir, { recursive: true, force: true });
});

test("company B's lists hold only company B's devices, positions and users", async () => {
  const devices = await s.api('GET', '/api/v1/devices', { token: officeB });
  assert.deepEqual(ids(devices.body), ['DR_SAME']);
  assert.equal(devices.body[0].name, 'Globex same-id truck');
  assert.equal(devices.body[0].last_position.lat, 8.5);

  const latest = await s.api('GET', '/api/v1/positions/latest', { token: officeB });
  assert.deepEqual(
    latest.body.map((l: { id: string; name: string; position: { lat: number } }) => [l.id, l.name, l.position.lat]),
    [['DR_SAME', 'Globex same-id truck', 8.5]],
  );

  const users = await s.api('GET', '/api/v1/users', { token: adminB });
  assert.deepEqual(ids(users.body), ['AD_B', 'DR_SAME', 'OF_B']);

  // and company A still sees its own
  assert.deepEqual(ids((await s.api('GET', '/api/v1/devices', { token: adminA })).body), ['DR_A', 'DR_SAME']);
});

test("a device id that exists in both companies resolves to the caller's own", async () => {
  const b = await s.api('GET', '/api/v1/devices/DR_SAME', { token: officeB });
  assert.equal(b.body.name, 'Globex same-id truck');
  const history = await s.api('GET', '/api/v1/devices/DR_SAME/positions', { token: officeB });
  assert.deepEqual(
    history.body.items.map((p: { lat: number }) => p.lat),
    [8.5],
  );
  const a = await s.api('GET', '/api/v1/devices/DR_SAME/positions', { token: adminA });
  assert.deepEqual(
    a.body.items.map((p: { lat: number }) => p.lat),
    [9.2],
  );
});

test("company A's ids are 404 to company B on every read", async () => {
  const reads = ['/api/v1/devices/DR_A', '/api/v1/devices/DR_A/positions', '/api/v1/users/DR_A', '/api/v1/users/AD_A', '/api/v1/companies/acme'];
  for (const path of reads) {
    const res = await s.api('GET', path, { token: adminB });
    assert.equal(res.status, 404, path);
    assert.equal(res.body.error, 'NotFound', path);
    assert.doesNotMatch(JSON.stringify(res.body), /Acme truck/, path);
  }
});

test("company B's changes to company A's ids are 404 and change nothing", async () => {
  const tokenOfA = s.token('acme', 'OF_A');
  const writes: [string, string, unknown?][] = [
    ['PATCH', '/api/v1/devices/DR_A', { display_name: 'stolen' }],
    ['PATCH', '/api/v1/users/OF_A', { disabled: true }],
    ['PATCH', '/api/v1/users/AD_A', { role: 'office' }],
    ['PATCH', '/api/v1/companies/acme', { name: 'Globex East' }],
    ['DELETE', '/api/v1/users/DR_A'],
    ['DELETE', '/api/v1/users/OF_A'],
    ['POST', '/api/v1/users/OF_A/revoke-tokens'],
  ];
  for (const [method, path, body] of writes) {
    const res = await s.api(method, path, { token: adminB, body });
    assert.equal(res.status, 404, `${method} ${path}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error, 'NotFound');
  }
  const drA = s.ctx.users.get('acme', 'DR_A')!;
  assert.equal(drA.display_name, 'Acme truck');
  assert.ok(s.ctx.positions.latest(drA.pk), 's.ctx.positions.latest(drA.pk)');
  assert.equal(s.ctx.users.get('acme', 'OF_A')!.disabled, 0);
  assert.equal(s.ctx.users.get('acme', 'AD_A')!.role, 'admin');
  assert.equal(s.ctx.companies.get('acme')!.name, 'acme');
  assert.equal((await s.api('GET', '/api/v1/devices', { token: tokenOfA })).status, 200); // not revoked
});

test('creating a user id that company A already has is fine in company B', async () => {
  const res = await s.api('POST', '/api/v1/users', { token: adminB, body: { id: 'DR_A', role: 'driver', display_name: 'Globex A' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(s.ctx.users.get('acme', 'DR_A')!.display_name, 'Acme truck');
  assert.equal(s.ctx.users.get('globex', 'DR_A')!.display_name, 'Globex A');
  const del = await s.api('DELETE', '/api/v1/users/DR_A', { token: adminB });
  assert.equal(del.status, 204);
  assert.ok(s.ctx.users.get('acme', 'DR_A'), "deleting B's DR_A leaves A's");
  assert.ok(s.ctx.positions.latest(s.ctx.users.get('acme', 'DR_A')!.pk), 's.ctx.positions.latest(s.ctx.users.get(\'acme\', \'DR_A\')!.pk)');
});
