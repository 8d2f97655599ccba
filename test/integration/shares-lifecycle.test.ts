/**
 * A share's lifecycle with a controllable clock: a real recorded drive (barefoot Munich
 * x0001-001, shared/realworld/traces/) replayed over the Tracking API towards a destination on
 * its route — a stop where the van stands a minute — goes active → arriving (1 km) → arrived
 * (150 m held 30 s of device time) → completed by itself 30 min later; expiry by the sweep;
 * a disabled or deleted device cancels its shares; each change is one event in the log.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Share } from '../../shared/api/shares';
import { distanceM } from '../../shared/geo';
import { SHARE_PURGE_AFTER_MS, SHARE_SWEEP_MS } from '../../main/server/shares/share-service';
import { ManualClock } from '../support/manual-clock';
import { startTestServer, type TestServer } from '../support/server';
import { driveReplay } from '../support/share-drive';
import { munichTrace } from '../support/synthetic-trips';

const C = 'acme';
let s: TestServer;
let office: string;
let admin: string;
const clock = new ManualClock();

before(async () => {
  s = await startTestServer({ clock });
  s.company(C);
  await s.user(C, 'boss', 'admin');
  await s.user(C, 'ops', 'office');
  for (const d of ['MUC', 'VAN_X', 'VAN_D', 'VAN_E']) await s.user(C, d, 'driver');
  // The tests move the clock by hours: the session tokens last longer.
  office = s.token(C, 'ops', 30 * 86_400);
  admin = s.token(C, 'boss', 30 * 86_400);
});
after(() => s.stop());

const share = async (id: string) => (await s.api('GET', `/api/v1/shares/${id}`, { token: office })).body as Share;
const eventsOf = async (id: string) =>
  ((await s.api('GET', '/api/v1/events?limit=1000', { token: admin })).body as { event: string; object: { id: string }; details: Record<string, unknown> }[]).filter((e) => e.object.id === id);

test('a real drive to a stop on its route: active → arriving → arrived (held on device time) → completed by itself', async () => {
  const fixes = munichTrace();
  const STOP = 1060; // the van stands here for over a minute (fixes 1040–1100 are one point)
  const dest = { latitude: fixes[STOP]!.lat, longitude: fixes[STOP]!.lng, label: 'Customer' };
  const created = await s.api('POST', '/api/v1/shares', { token: office, body: { device_id: 'MUC', destination: dest, recipient_name: 'Kunde' } });
  assert.equal(created.status, 201);
  const id = created.body.id as string;
  const start = clock.now() + 1000;
  // The drive took 20 minutes; the server's clock is past it, so no fix is "from the future".
  clock.advance(21 * 60_000);
  const driver = await driveReplay(s, C, 'MUC', fixes, start);
  try {
    const toDest = (i: number) => distanceM(fixes[i]!, { lat: dest.latitude, lng: dest.longitude });
    const firstWithin = (m: number) => fixes.findIndex((_, i) => toDest(i) <= m);
    const near = firstWithin(1000);
    const inZone = firstWithin(150);
    assert.ok(near > 0 && inZone > near, `${near} ${inZone}`);

    await driver.send(0, near);
    let sh = await share(id);
    assert.equal(sh.status, 'active');
    assert.equal(sh.eta?.method, 'straight_line');
    assert.ok(sh.eta!.distance_m > 1000 * 1.3, `eta ${JSON.stringify(sh.eta)}`);
    const before = sh.eta!.seconds;

    await driver.send(near, inZone + 10);
    sh = await share(id);
    assert.equal(sh.status, 'arriving', 'within 1 km, but not yet 30 s within 150 m');
    assert.ok(sh.eta!.seconds < before, `${sh.eta!.seconds} < ${before}`);
    assert.equal(sh.arrived_at, null);

    await driver.send(inZone + 10, STOP + 20);
    sh = await share(id);
    assert.equal(sh.status, 'arrived');
    const arrivedAt = Date.parse(sh.arrived_at!);
    const heldFrom = fixes.findIndex((_, i) => i >= inZone && fixes.slice(i, STOP).every((__, k) => toDest(i + k) <= 150));
    assert.ok(arrivedAt - (fixes[heldFrom]!.t + start - fixes[0]!.t) >= 30_000, 'held 30 s of device time');
    assert.ok(arrivedAt < clock.now() - 60_000, 'decided on device time, not on the server clock');

    // Driving off after arriving changes nothing; 30 minutes after arrival the sweep completes it.
    await driver.send(STOP + 20, fixes.length, 50);
    assert.equal((await share(id)).status, 'arrived');
    clock.advance(arrivedAt + 30 * 60_000 - clock.now() - 1);
    assert.equal((await share(id)).status, 'arrived', 'not before 30 minutes');
    clock.advance(SHARE_SWEEP_MS + 1);
    sh = await share(id);
    assert.equal(sh.status, 'completed');
    assert.equal(sh.eta, null);
    const events = await eventsOf(id);
    assert.deepEqual(events.map((e) => e.event), ['ShareSessionCreated', 'ShareSessionArrived', 'ShareSessionCompleted']);
    assert.equal(events[2]!.details.By, 'auto');
  } finally {
    driver.close();
  }
});

test('expiry: the sweep on the injected clock ends a share at expires_at; extending moves it', async () => {
  const a = (await s.api('POST', '/api/v1/shares', { token: office, body: { device_id: 'VAN_X', expires_in_hours: 0.25 } })).body.id as string;
  const b = (await s.api('POST', '/api/v1/shares', { token: office, body: { device_id: 'VAN_X', expires_in_hours: 0.25 } })).body.id as string;
  assert.equal((await s.api('PATCH', `/api/v1/shares/${b}`, { token: office, body: { extend_hours: 1 } })).status, 200);
  clock.advance(15 * 60_000 - 1);
  assert.equal((await share(a)).status, 'active');
  clock.advance(SHARE_SWEEP_MS + 1);
  const sa = await share(a);
  assert.equal(sa.status, 'expired');
  assert.ok(sa.ended_at !== null, 'sa.ended_at !== null');
  assert.equal((await share(b)).status, 'active', 'extended by an hour');
  assert.deepEqual((await eventsOf(a)).map((e) => e.event), ['ShareSessionCreated', 'ShareSessionExpired']);
  clock.advance(60 * 60_000);
  assert.equal((await share(b)).status, 'expired');
});

test('disabling a device cancels its open shares; deleting one too; ended ones stay as they were', async () => {
  const open = (await s.api('POST', '/api/v1/shares', { token: office, body: { device_id: 'VAN_D' } })).body.id as string;
  const done = (await s.api('POST', '/api/v1/shares', { token: office, body: { device_id: 'VAN_D' } })).body.id as string;
  await s.api('POST', `/api/v1/shares/${done}/complete`, { token: office });
  const other = (await s.api('POST', '/api/v1/shares', { token: office, body: { device_id: 'VAN_E' } })).body.id as string;
  assert.equal((await s.api('PATCH', '/api/v1/users/VAN_D', { token: admin, body: { disabled: true } })).status, 200);
  assert.equal((await share(open)).status, 'cancelled');
  assert.equal((await share(done)).status, 'completed');
  assert.equal((await share(other)).status, 'active');
  const ev = await eventsOf(open);
  assert.deepEqual(ev.map((e) => e.event), ['ShareSessionCreated', 'ShareSessionCancelled']);
  assert.equal(ev[1]!.details.Reason, 'device disabled');
  const refused = await s.api('POST', '/api/v1/shares', { token: office, body: { device_id: 'VAN_D' } });
  assert.equal(refused.status, 400);
  assert.match(refused.body.message, /disabled/);

  assert.equal((await s.api('DELETE', '/api/v1/users/VAN_E', { token: admin })).status, 204);
  const gone = await share(other);
  assert.equal(gone.status, 'cancelled', 'the share outlives its device, ended');
  assert.equal((await eventsOf(other))[1]!.details.Reason, 'device deleted');
});

test('a device deleted by another process (the CLI, no access event here) cancels its shares at the next sweep', async () => {
  await s.user(C, 'VAN_CLI', 'driver');
  const id = (await s.api('POST', '/api/v1/shares', { token: office, body: { device_id: 'VAN_CLI' } })).body.id as string;
  assert.ok(s.ctx.storage.users.delete(C, 'VAN_CLI'), 's.ctx.storage.users.delete(C, \'VAN_CLI\')');
  assert.equal((await share(id)).status, 'active');
  clock.advance(SHARE_SWEEP_MS);
  assert.equal((await share(id)).status, 'cancelled');
  assert.equal((await eventsOf(id))[1]!.details.Reason, 'device deleted');
});

test('an ended share is forgotten 30 days after its end: its link then answers exactly like an unknown one', async () => {
  const c = (await s.api('POST', '/api/v1/shares', { token: office, body: { device_id: 'VAN_X' } })).body as { id: string; share_token: string };
  await s.api('POST', `/api/v1/shares/${c.id}/cancel`, { token: office });
  const unknown = await s.api('GET', `/s/${'B'.repeat(43)}/data`);
  const kept = await s.api('GET', `/s/${c.share_token}/data`);
  assert.equal(kept.status, 200);
  assert.deepEqual({ status: kept.body.status, position: kept.body.position }, { status: 'cancelled', position: null });
  clock.advance(SHARE_PURGE_AFTER_MS - 60_000);
  assert.equal((await s.api('GET', `/api/v1/shares/${c.id}`, { token: s.token(C, 'ops') })).status, 200);
  clock.advance(60_000 + SHARE_SWEEP_MS);
  assert.equal((await s.api('GET', `/api/v1/shares/${c.id}`, { token: s.token(C, 'ops') })).status, 404);
  const purged = await s.api('GET', `/s/${c.share_token}/data`);
  assert.equal(purged.status, 404);
  assert.deepEqual(purged.body, unknown.body);
  const events = (await s.api('GET', '/api/v1/events?limit=1000', { token: s.token(C, 'boss') })).body as { event: string; object: { id: string } }[];
  assert.deepEqual(events.filter((e) => e.object.id === c.id).map((e) => e.event), ['ShareSessionCreated', 'ShareSessionCancelled'], 'the event log keeps its history');
});
