/**
 * Unknown devices belong to a company or to nobody. A key a company replaced (rotated, adopted
 * over, its driver deleted) is answered "replaced" and listed to that company only; an
 * identifier a company declared in advance is listed to it for adoption; anything else is
 * answered 404 and recorded nowhere. Written as the attacks that worked before: another
 * company seeing, adopting or deleting a phone that is not its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resolveDevice } from '../../main/server/devices/device-keys';
import { DomainError } from '../../main/server/errors';
import { MAX_UNKNOWN_DEVICES } from '../../main/server/store/unknown-devices';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

let s: TestServer;
let admin: string;
let office: string;
let betaAdmin: string;
let serial = 0;

/** resolveDevice's answer as a result: the driver, or the refusal as its HTTP status would be. */
function resolve(identifier: string, protocol = 'osmand', remote: string | null = '192.168.1.50', at?: { lat: number; lng: number }) {
  try {
    return { ok: true as const, device: resolveDevice(s.ctx.users, s.ctx.unknownDevices, identifier, protocol, remote, at) };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { ok: false as const, status: err.kind === 'Unauthorized' ? 401 : 404, error: err.kind, message: err.message };
  }
}
const list = async (token = admin) => {
  const r = await s.api('GET', '/api/v1/unknown-devices', { token });
  assert.equal(r.status, 200);
  return r.body as { identifier: string; kind: string; user_id: string | null; protocol: string; remote_address: string | null; lat: number | null; attempts: number }[];
};
const listed = async (identifier: string, token = admin) => (await list(token)).find((u) => u.identifier === identifier);
const adopt = (identifier: string, body: unknown, token = admin) => s.api('POST', `/api/v1/unknown-devices/${encodeURIComponent(identifier)}/adopt`, { token, body });
const expect_ = (identifier: string, token = admin, note?: string) => s.api('POST', '/api/v1/unknown-devices/expected', { token, body: note === undefined ? { identifier } : { identifier, note } });
/** An app's own strong identifier (as OwnTracks or a Traccar Client set to a long id would send). */
const strongId = () => `phone-own-identifier-${++serial}-${Math.random().toString(36).slice(2, 10)}`;
const osmand = (identifier: string, q = 'lat=48.1&lon=11.5') => fetch(`${s.url}/osmand?id=${encodeURIComponent(identifier)}&${q}`).then(async (r) => ({ status: r.status, body: (await r.json().catch(() => null)) as any }));

before(async () => {
  s = await startTestServer();
  s.company('acme');
  s.company('beta');
  await s.user('acme', 'boss', 'admin');
  await s.user('acme', 'ops', 'office');
  await s.user('acme', 'DR_1', 'driver');
  await s.user('beta', 'chief', 'admin');
  await s.user('beta', 'B_1', 'driver');
  admin = s.token('acme', 'boss');
  office = s.token('acme', 'ops');
  betaAdmin = s.token('beta', 'chief');
});

after(() => s.stop());

describe('a key its company replaced', () => {
  test('the phone still sending it is told "replaced" (401); only that company sees it, with whose key it was', async () => {
    const old = s.ctx.users.get('beta', 'B_1')!.device_key;
    const rotated = await s.api('POST', '/api/v1/devices/B_1/key/rotate', { token: betaAdmin });
    assert.equal(rotated.status, 200);
    const r = await osmand(old, 'lat=9.03&lon=38.74');
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'Unauthorized');
    assert.match(r.body.message, /^this device key was replaced in FleetDesk: enter the new key/);
    const mine = await listed(old, betaAdmin);
    assert.ok(mine, 'the company that replaced it sees it');
    assert.deepEqual([mine.kind, mine.user_id, mine.lat], ['retired', 'B_1', 9.03]);
    // The attack that worked before: another company sees it, adopts it, deletes it.
    assert.equal(await listed(old, admin), undefined, "another company never sees it, nor its address or position");
    const taken = await adopt(old, { user_id: 'stolen-phone' }, admin);
    assert.equal(taken.status, 404);
    assert.equal(s.ctx.users.get('acme', 'stolen-phone'), undefined);
    assert.equal((await s.api('DELETE', `/api/v1/unknown-devices/${old}`, { token: admin })).status, 404);
    assert.ok(await listed(old, betaAdmin), "the other company's delete changed nothing");
    // and its own company cannot adopt its old key back either: the phone needs the new key
    const back = await adopt(old, { user_id: 'B_1' }, betaAdmin);
    assert.equal(back.status, 409);
    assert.match(back.body.message, /replaced/);
    // the phone's positions reach no company
    assert.equal(s.ctx.positions.latest(s.ctx.users.get('beta', 'B_1')!.pk), undefined);
  });

  test('a deleted driver’s key and a key adopted over are replaced keys too', async () => {
    await s.user('acme', 'DR_gone', 'driver');
    const gone = s.ctx.users.get('acme', 'DR_gone')!.device_key;
    assert.equal((await s.api('DELETE', '/api/v1/users/DR_gone', { token: admin })).status, 204);
    const r = resolve(gone);
    assert.ok(!r.ok && r.status === 401 && /replaced/.test(r.message), '!r.ok && r.status === 401 && /replaced/.test(r.message)');
    assert.equal((await listed(gone))?.user_id, 'DR_gone');
    // A new driver can never be given a retired key.
    assert.equal(s.ctx.users.setDeviceKey(s.ctx.users.get('acme', 'DR_1')!.pk, gone), false);
  });
});

describe('an identifier nobody declared', () => {
  test('is 404 and recorded nowhere: no company sees another’s (or anyone’s) phones', async () => {
    const r = await osmand('358240051111110', 'lat=9.03&lon=38.74');
    assert.equal(r.status, 404);
    assert.match(r.body.message, /^unknown device "358240051111110"/);
    assert.equal(await listed('358240051111110', admin), undefined);
    assert.equal(await listed('358240051111110', betaAdmin), undefined);
    assert.equal((await adopt('358240051111110', { user_id: 'DR_new' })).status, 404);
  });

  test('a driver key resolves; a disabled driver is 401 and not listed; junk identifiers are refused', async () => {
    const key = s.ctx.users.get('acme', 'DR_1')!.device_key;
    const ok = resolve(key);
    assert.ok(ok.ok && ok.device.user_id === 'DR_1', 'ok.ok && ok.device.user_id === \'DR_1\'');
    await s.user('acme', 'DR_off', 'driver');
    s.ctx.users.update('acme', 'DR_off', { disabled: true });
    const off = resolve(s.ctx.users.get('acme', 'DR_off')!.device_key);
    assert.ok(!off.ok && off.status === 401 && /disabled/.test(off.message), '!off.ok && off.status === 401 && /disabled/.test(off.message)');
    for (const junk of ['has space', 'slash/inside', 'x'.repeat(129), '', 'ünïcode']) {
      const r = resolve(junk);
      assert.ok(!r.ok && r.status === 404, JSON.stringify(junk));
      assert.ok(!r.ok && r.message.length < 200, 'a long identifier is shortened in the message');
    }
    assert.equal((await list()).length + (await list(betaAdmin)).length, 2, 'only the two replaced keys of the tests above');
  });
});

describe('an identifier a company declared in advance', () => {
  test('reports, is listed to that company only, and is adopted as a new driver whose key it becomes', async () => {
    const id = strongId();
    assert.equal((await expect_(id, admin, "Ana's phone")).status, 204);
    const r = await osmand(id, 'lat=48.2&lon=11.6');
    assert.equal(r.status, 404);
    assert.match(r.body.message, /not adopted yet/);
    const entry = await listed(id);
    assert.deepEqual([entry?.kind, entry?.lat, entry?.protocol], ['expected', 48.2, 'osmand']);
    assert.equal(await listed(id, betaAdmin), undefined);
    // Another company can neither declare it, nor adopt it, nor dismiss it.
    assert.equal((await expect_(id, betaAdmin)).status, 409);
    assert.equal((await adopt(id, { user_id: 'B_steal' }, betaAdmin)).status, 404);
    assert.equal((await s.api('DELETE', `/api/v1/unknown-devices/${id}`, { token: betaAdmin })).status, 404);

    const res = await adopt(id, { user_id: 'DR_ana', display_name: 'Ana' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.id, 'DR_ana');
    const ok = resolve(id);
    assert.ok(ok.ok && ok.device.user_id === 'DR_ana' && ok.device.company_id === 'acme', 'ok.ok && ok.device.user_id === \'DR_ana\' && ok.device.company_id === \'acme\'');
    assert.equal(await listed(id), undefined, 'the entry is gone');
    assert.equal((await osmand(id, 'lat=48.21&lon=11.6')).status, 200);
  });

  test('adopted onto an existing driver: its old key is replaced, the identifier resolves to it', async () => {
    const id = strongId();
    await s.user('acme', 'DR_2', 'driver');
    const oldKey = s.ctx.users.get('acme', 'DR_2')!.device_key;
    assert.equal((await expect_(id)).status, 204);
    resolve(id);
    const sock = await TestSocket.open(s.wsUrl);
    assert.equal((await sock.authenticate('DR_2', 'driver', s.token('acme', 'DR_2'))).type, 'authenticated');
    const res = await adopt(id, { user_id: 'DR_2' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await sock.closed).code, 4003, "the driver's open socket is cut off with its old key");
    assert.ok(!resolve(oldKey).ok && /replaced/.test((resolve(oldKey) as { message: string }).message), '!resolve(oldKey).ok && /replaced/.test((resolve(oldKey) as { message: string }).message)');
    assert.equal((resolve(id) as { device?: { user_id: string } }).device?.user_id, 'DR_2');
  });

  test('short, guessable identifiers cannot be declared (so never adopted): the message says what to do instead', async () => {
    for (const weak of ['123456', '358240051111110', 'abcdefghijklmnopqrstu']) {
      const r = await expect_(weak);
      assert.equal(r.status, 400, weak);
      assert.match(r.body.message, /(too short to be a device key|at least 22)/, weak);
    }
    const bad = await expect_('has spaces in it and is long enough');
    assert.equal(bad.status, 400);
    const key = s.ctx.users.get('acme', 'DR_1')!.device_key;
    assert.equal((await expect_(key)).status, 409, 'a live key');
  });

  test('adopt is refused with 409 when the identifier became a key meanwhile, 400 for a non-driver or a bad body', async () => {
    const id = strongId();
    await expect_(id);
    resolve(id);
    assert.equal((await adopt(id, { user_id: 'ops' })).status, 400);
    assert.equal((await adopt(id, {})).status, 400);
    assert.equal((await adopt(id, { user_id: 'bad id!' })).status, 400);
    s.ctx.users.setDeviceKey(s.ctx.users.get('acme', 'DR_1')!.pk, id);
    assert.equal((await adopt(id, { user_id: 'DR_x' })).status, 409);
  });

  test('dismissing removes the entry and the declaration (204, then 404); the phone is then unknown', async () => {
    const id = strongId();
    await expect_(id);
    resolve(id);
    assert.equal((await s.api('DELETE', `/api/v1/unknown-devices/${id}`, { token: admin })).status, 204);
    assert.equal((await s.api('DELETE', `/api/v1/unknown-devices/${id}`, { token: admin })).status, 404);
    const r = resolve(id);
    assert.ok(!r.ok && /^unknown device/.test(r.message), '!r.ok && /^unknown device/.test(r.message)');
    assert.equal(await listed(id), undefined);
  });
});

describe('access and bounds', () => {
  test('only admins see, declare, adopt and dismiss (office 403, driver 403, no token 401)', async () => {
    assert.equal((await s.api('GET', '/api/v1/unknown-devices', { token: office })).status, 403);
    assert.equal((await s.api('GET', '/api/v1/unknown-devices', { token: s.token('acme', 'DR_1') })).status, 403);
    assert.equal((await s.api('GET', '/api/v1/unknown-devices')).status, 401);
    assert.equal((await expect_(strongId(), office)).status, 403);
    assert.equal((await adopt('anything-at-all-long-enough-1', { user_id: 'DR_x' }, office)).status, 403);
    assert.equal((await s.api('DELETE', '/api/v1/unknown-devices/anything', { token: office })).status, 403);
  });

  test(`a company's list keeps its ${MAX_UNKNOWN_DEVICES} most recent entries; another company's are untouched`, async () => {
    const t0 = Date.now();
    s.ctx.unknownDevices.record({ identifier: 'beta-kept', company_id: 'beta', kind: 'retired', user_id: 'B_1' }, 'osmand', null, undefined, t0);
    for (let i = 0; i < MAX_UNKNOWN_DEVICES + 20; i++) {
      s.ctx.unknownDevices.record({ identifier: `flood-${i}`, company_id: 'acme', kind: 'retired', user_id: 'DR_1' }, 'osmand', '10.0.0.1', undefined, t0 + 1 + i);
    }
    const mine = await list();
    assert.equal(mine.length, MAX_UNKNOWN_DEVICES);
    assert.equal(mine.some((u) => u.identifier === 'flood-0'), false, 'the oldest went');
    assert.ok(await listed('beta-kept', betaAdmin), 'await listed(\'beta-kept\', betaAdmin)');
  });
});
