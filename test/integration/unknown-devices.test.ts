/**
 * Unknown devices: identifiers that reported without being any driver's key are recorded by
 * resolveDevice, listed to admins only, adopted as a new driver or onto an existing one (the
 * identifier then resolves to that driver), refused when already a key, dismissed, and kept
 * to a bounded number.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resolveDevice } from '../../main/server/devices/device-keys';
import { MAX_UNKNOWN_DEVICES } from '../../main/server/devices/unknown-devices';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

let s: TestServer;
let admin: string;
let office: string;
let betaAdmin: string;

const resolve = (identifier: string, protocol = 'osmand', remote: string | null = '192.168.1.50', at?: { lat: number; lng: number }) =>
  resolveDevice(s.ctx.users, s.ctx.unknownDevices, identifier, protocol, remote, at);
const listed = async (identifier: string) => {
  const r = await s.api('GET', '/api/v1/unknown-devices', { token: admin });
  assert.equal(r.status, 200);
  return r.body.find((u: { identifier: string }) => u.identifier === identifier);
};
const adopt = (identifier: string, body: unknown, token = admin) =>
  s.api('POST', `/api/v1/unknown-devices/${encodeURIComponent(identifier)}/adopt`, { token, body });

before(async () => {
  s = await startTestServer();
  s.company('acme');
  s.company('beta');
  await s.user('acme', 'boss', 'admin');
  await s.user('acme', 'ops', 'office');
  await s.user('acme', 'DR_1', 'driver');
  await s.user('beta', 'chief', 'admin');
  admin = s.token('acme', 'boss');
  office = s.token('acme', 'ops');
  betaAdmin = s.token('beta', 'chief');
});

after(() => s.stop());

describe('recording', () => {
  test('an identifier no driver has is recorded with protocol, address, place and attempts', async () => {
    const before_ = Date.now();
    const r = resolve('358240051111110', 'osmand', '192.168.1.50', { lat: 9.03, lng: 38.74 });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.status === 404 && r.error === 'NotFound');
    assert.ok(!r.ok && /unknown device "358240051111110"/.test(r.message));
    const u = await listed('358240051111110');
    assert.equal(u.protocol, 'osmand');
    assert.equal(u.remote_address, '192.168.1.50');
    assert.equal(u.lat, 9.03);
    assert.equal(u.lng, 38.74);
    assert.equal(u.attempts, 1);
    assert.ok(Date.parse(u.first_seen) >= before_ - 1000);

    // again, from another app and address without a place: counted, place kept
    resolve('358240051111110', 'owntracks', '10.0.0.7');
    const again = await listed('358240051111110');
    assert.equal(again.attempts, 2);
    assert.equal(again.protocol, 'owntracks');
    assert.equal(again.remote_address, '10.0.0.7');
    assert.equal(again.lat, 9.03);
    assert.equal(again.first_seen, u.first_seen);
    assert.ok(Date.parse(again.last_seen) >= Date.parse(u.last_seen));
  });

  test('a driver key resolves; a disabled driver is 401 and not recorded; junk identifiers are not recorded', async () => {
    const key = s.ctx.users.get('acme', 'DR_1')!.device_key;
    const ok = resolve(key);
    assert.ok(ok.ok && ok.device.user_id === 'DR_1');
    await s.user('acme', 'DR_off', 'driver');
    s.ctx.users.update('acme', 'DR_off', { disabled: true });
    const off = resolve(s.ctx.users.get('acme', 'DR_off')!.device_key);
    assert.ok(!off.ok && off.status === 401 && /disabled/.test(off.message));
    assert.equal(await listed(s.ctx.users.get('acme', 'DR_off')!.device_key), undefined);

    for (const junk of ['has space', 'slash/inside', 'x'.repeat(129), '', 'ünïcode']) {
      const r = resolve(junk);
      assert.ok(!r.ok && r.status === 404, JSON.stringify(junk));
      assert.ok(!r.ok && r.message.length < 200, 'a long identifier is shortened in the message');
    }
    const all = (await s.api('GET', '/api/v1/unknown-devices', { token: admin })).body as { identifier: string }[];
    assert.ok(!all.some((u) => u.identifier.includes(' ') || u.identifier.includes('/') || u.identifier.length > 128 || u.identifier === ''));
  });

  test('only admins see the list (office 403, driver 403, no token 401)', async () => {
    resolve('admin-only-probe');
    assert.equal((await s.api('GET', '/api/v1/unknown-devices', { token: office })).status, 403);
    assert.equal((await s.api('GET', '/api/v1/unknown-devices', { token: s.token('acme', 'DR_1') })).status, 403);
    assert.equal((await s.api('GET', '/api/v1/unknown-devices')).status, 401);
    assert.equal((await adopt('admin-only-probe', { user_id: 'DR_x' }, office)).status, 403);
    assert.equal((await s.api('DELETE', '/api/v1/unknown-devices/admin-only-probe', { token: office })).status, 403);
    assert.ok(await listed('admin-only-probe'), 'refused calls changed nothing');
  });
});

describe('adopting', () => {
  test('as a new driver: the identifier becomes its key (not strong when short) and resolves to it', async () => {
    resolve('123456', 'osmand');
    const r = await adopt('123456', { user_id: 'DR_new', display_name: 'Traccar phone' });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, 'DR_new');
    assert.equal(r.body.name, 'Traccar phone');
    assert.equal(r.body.last_position, null);
    const row = s.ctx.users.get('acme', 'DR_new')!;
    assert.equal(row.role, 'driver');
    assert.equal(row.device_key, '123456');
    const res = resolve('123456');
    assert.ok(res.ok && res.device.user_id === 'DR_new' && res.device.company_id === 'acme');
    assert.equal(await listed('123456'), undefined, 'no longer unknown');
    const key = await s.api('GET', '/api/v1/devices/DR_new/key', { token: office });
    assert.deepEqual(key.body, { device_id: 'DR_new', device_key: '123456', strong: false });
    // the driver app signs in with it like with any key
    assert.equal((await s.api('POST', '/api/v1/driver/session', { body: { device_key: '123456' } })).status, 200);
  });

  test('onto an existing driver: its old key stops working, the identifier resolves to it', async () => {
    await s.user('acme', 'DR_old', 'driver');
    const oldKey = s.ctx.users.get('acme', 'DR_old')!.device_key;
    const token = s.token('acme', 'DR_old');
    const id = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'; // a 32-hex app id, strong
    resolve(id, 'gpslogger');
    const r = await adopt(id, { user_id: 'DR_old' });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, 'DR_old');
    const res = resolve(id);
    assert.ok(res.ok && res.device.user_id === 'DR_old');
    const old = resolve(oldKey);
    assert.ok(!old.ok && old.status === 404);
    assert.equal((await s.api('GET', '/api/v1/devices/DR_old/key', { token: office })).body.strong, true);
    // the old key gets no session, and tokens issued before the key changed are revoked
    assert.equal((await s.api('POST', '/api/v1/driver/session', { body: { device_key: oldKey } })).status, 401);
    const sock = await TestSocket.open(s.wsUrl);
    try {
      const reply = await sock.authenticate('DR_old', 'driver', token);
      assert.equal(reply.type, 'error');
      assert.match(reply.message, /revoked/);
    } finally {
      sock.ws.terminate();
    }
  });

  test('refused: 409 when already a key, 404 when not an unknown device, 400 for a non-driver or a bad body', async () => {
    // an office user's key is not a driver's: reporting with it records it, adopting it conflicts
    const officeKey = s.ctx.users.get('acme', 'ops')!.device_key;
    assert.ok(!resolve(officeKey).ok);
    assert.ok(await listed(officeKey));
    const conflict = await adopt(officeKey, { user_id: 'DR_conflict' });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error, 'Conflict');
    assert.match(conflict.body.message, /already a device key/);
    assert.equal(s.ctx.users.get('acme', 'DR_conflict'), undefined, 'no driver was created');

    const missing = await adopt('never-reported', { user_id: 'DR_x' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'NotFound');
    assert.match(missing.body.message, /no unknown device/);

    resolve('for-bad-requests');
    const onOffice = await adopt('for-bad-requests', { user_id: 'ops' });
    assert.equal(onOffice.status, 400);
    assert.match(onOffice.body.message, /not a driver/);
    for (const body of [{}, { user_id: '' }, { user_id: 5 }, { user_id: 'has space' }, { user_id: 'DR_y', colour: 'red' }]) {
      const r = await adopt('for-bad-requests', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error, 'BadRequest');
    }
    assert.equal((await adopt('x'.repeat(129), { user_id: 'DR_y' })).status, 400);
    assert.ok(await listed('for-bad-requests'), 'still waiting for adoption');
  });

  test('identifiers up to 128 characters can be adopted and dismissed (longer paths than the router default)', async () => {
    const long = `app-${'k'.repeat(124)}`;
    assert.equal(long.length, 128);
    resolve(long);
    resolve(`${long.slice(0, 120)}-second`);
    assert.ok(await listed(long));
    const r = await adopt(long, { user_id: 'DR_long' });
    assert.equal(r.status, 200);
    assert.equal(s.ctx.users.get('acme', 'DR_long')?.device_key, long);
    const del = await s.api('DELETE', `/api/v1/unknown-devices/${long.slice(0, 120)}-second`, { token: admin });
    assert.equal(del.status, 204);
  });

  test("an admin adopts into its own company; another company's admin cannot reach the result", async () => {
    resolve('beta-phone-1');
    const r = await adopt('beta-phone-1', { user_id: 'DR_b1' }, betaAdmin);
    assert.equal(r.status, 200);
    assert.equal(s.ctx.users.get('beta', 'DR_b1')?.device_key, 'beta-phone-1');
    assert.equal(s.ctx.users.get('acme', 'DR_b1'), undefined);
    assert.equal((await s.api('GET', '/api/v1/devices/DR_b1/key', { token: admin })).status, 404);
  });
});

describe('dismissing and bounds', () => {
  test('DELETE dismisses (204, then 404); it comes back when it reports again', async () => {
    resolve('dismiss-me');
    const del = await s.api('DELETE', '/api/v1/unknown-devices/dismiss-me', { token: admin });
    assert.equal(del.status, 204);
    assert.equal(await listed('dismiss-me'), undefined);
    const again = await s.api('DELETE', '/api/v1/unknown-devices/dismiss-me', { token: admin });
    assert.equal(again.status, 404);
    assert.equal(again.body.error, 'NotFound');
    resolve('dismiss-me');
    assert.equal((await listed('dismiss-me')).attempts, 1);
  });

  test(`the list keeps the ${MAX_UNKNOWN_DEVICES} most recent; a flood of made-up ids drops the oldest`, async () => {
    const t0 = Date.now() + 60_000; // after everything recorded so far
    s.ctx.unknownDevices.record('flood-oldest', 'osmand', null, undefined, t0);
    for (let i = 0; i < MAX_UNKNOWN_DEVICES + 50; i++) s.ctx.unknownDevices.record(`flood-${i}`, 'osmand', '10.0.0.1', undefined, t0 + 1 + i);
    const list = (await s.api('GET', '/api/v1/unknown-devices', { token: admin })).body as { identifier: string; last_seen: string }[];
    assert.equal(list.length, MAX_UNKNOWN_DEVICES);
    assert.equal(list[0]!.identifier, `flood-${MAX_UNKNOWN_DEVICES + 49}`, 'newest first');
    assert.equal(list.at(-1)!.identifier, 'flood-50');
    assert.ok(!list.some((u) => u.identifier === 'flood-oldest'));
    // a known device reporting again is refreshed and survives the next trims
    s.ctx.unknownDevices.record('flood-50', 'osmand', null, undefined, t0 + 10_000);
    s.ctx.unknownDevices.record('flood-new', 'osmand', null, undefined, t0 + 10_001);
    const after_ = (await s.api('GET', '/api/v1/unknown-devices', { token: admin })).body as { identifier: string }[];
    assert.equal(after_.length, MAX_UNKNOWN_DEVICES);
    assert.ok(after_.some((u) => u.identifier === 'flood-50'));
    assert.ok(!after_.some((u) => u.identifier === 'flood-51'));
  });
});
