/**
 * Live location shares over REST (issue 13): create (token shown once, only its hash kept),
 * list with filters, read, change, extend, complete and cancel, with an office or admin session
 * or a company API key; drivers may not; another company's share answers 404; validation errors
 * name the field; the company's share settings and where links point; the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EXPIRES_IN_HOURS, type Share, type ShareCreated } from '../../shared/api/shares';
import { shareTokenHash } from '../../main/server/store/shares';
import { ManualClock } from '../support/manual-clock';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';
import { COMPANY_DRIVERS } from '../../shared/protocol/tracking';

let s: TestServer;
let admin: string;
let office: string;
let driver: string;
let betaAdmin: string;
let apiKey: string;
const clock = new ManualClock();

before(async () => {
  s = await startTestServer({ clock });
  s.company('acme', 'ACME Deliveries');
  s.company('beta');
  await s.user('acme', 'boss', 'admin');
  await s.user('acme', 'ops', 'office');
  await s.user('acme', 'VAN_1', 'driver', { display_name: 'Anna' });
  await s.user('acme', 'VAN_2', 'driver');
  await s.user('beta', 'boss', 'admin');
  await s.user('beta', 'BVAN', 'driver');
  admin = s.token('acme', 'boss');
  office = s.token('acme', 'ops');
  driver = s.token('acme', 'VAN_1');
  betaAdmin = s.token('beta', 'boss');
  apiKey = (await s.api('POST', '/api/v1/api-keys', { token: admin, body: { name: 'shop' } })).body.key;
});
after(() => s.stop());

const create = (body: Record<string, unknown>, token = office) => s.api('POST', '/api/v1/shares', { token, body });

test('an office user shares a device: 201 with a URL-safe 256-bit token shown once, only its hash stored, and a ShareSessionCreated event', async () => {
  const r = await create({ device_id: 'VAN_1', recipient_name: ' Mrs Smith ', notes: 'ring twice', order_id: 'ORD-1', destination: { latitude: 48.1, longitude: 11.5, label: 'Home' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const c = r.body as ShareCreated;
  assert.match(c.share_token, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(c.share_url.endsWith(`/s/${c.share_token}`), c.share_url);
  assert.equal(c.status, 'active');
  assert.equal(Date.parse(c.expires_at), clock.now() + EXPIRES_IN_HOURS.default * 3600_000);
  const row = s.ctx.db.prepare('SELECT * FROM shares WHERE id = ?').get(c.id) as Record<string, unknown>;
  assert.equal(row.token_hash, shareTokenHash(c.share_token));
  assert.ok(!JSON.stringify(row).includes(c.share_token), 'the token itself is not stored');
  const got = (await s.api('GET', `/api/v1/shares/${c.id}`, { token: office })).body as Share;
  assert.equal(got.recipient_name, 'Mrs Smith');
  assert.equal(got.share_url, null, 'the link is not shown again');
  assert.deepEqual(got.destination, { latitude: 48.1, longitude: 11.5, label: 'Home' });
  assert.deepEqual(got.share_config, { show_speed: false, show_heading: true, show_eta: true, show_destination_on_map: true });
  assert.equal(got.created_by, 'ops');
  assert.equal(got.eta, null, 'no fix since the share began');
  const events = (await s.api('GET', '/api/v1/events', { token: admin })).body as { event: string; object: { id: string; type: string; path: string } }[];
  const ev = events.find((e) => e.object.id === c.id);
  assert.equal(ev?.event, 'ShareSessionCreated');
  assert.equal(ev?.object.type, 'ShareSession');
  assert.equal(ev?.object.path, `/api/v1/shares/${c.id}`);
});

test('an API key creates and reads shares; a driver may not; no credentials is 401', async () => {
  const r = await s.api('POST', '/api/v1/shares', { headers: { 'x-api-key': apiKey }, body: { device_id: 'VAN_2', order_id: 'SHOP-9', share_config: { show_speed: true } } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const got = await s.api('GET', `/api/v1/shares/${r.body.id}`, { headers: { 'x-api-key': apiKey } });
  assert.equal(got.status, 200);
  assert.equal(got.body.created_by, 'API key');
  assert.equal(got.body.share_config.show_speed, true);
  assert.equal((await create({ device_id: 'VAN_1' }, driver)).status, 403);
  assert.equal((await s.api('POST', '/api/v1/shares', { body: { device_id: 'VAN_1' } })).status, 401);
  assert.equal((await s.api('GET', '/api/v1/shares', { headers: { 'x-api-key': 'fdk_nope' } })).status, 401);
});

test('bad input: clear 400s naming the problem; an unknown or other company device is 404', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{}, /device_id is required/],
    [{ device_id: 'VAN_1', expires_in_hours: 0.1 }, /expires_in_hours must be >= 0.25/],
    [{ device_id: 'VAN_1', expires_in_hours: 500 }, /expires_in_hours must be <= 168/],
    [{ device_id: 'VAN_1', destination: { latitude: 91, longitude: 0 } }, /latitude must be <= 90/],
    [{ device_id: 'VAN_1', share_config: { show_position: true } }, /show_position/],
    [{ device_id: 'VAN_1', colour: 'red' }, /colour is not an accepted field/],
  ];
  for (const [body, message] of cases) {
    const r = await create(body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error, 'BadRequest');
    assert.match(r.body.message, message);
  }
  const bad = await s.api('POST', '/api/v1/shares', { token: office, body: '{"device_id":', headers: { 'content-type': 'application/json' } });
  assert.equal(bad.status, 400);
  for (const id of ['NOPE', 'BVAN', 'ops']) {
    const r = await create({ device_id: id });
    assert.equal(r.status, 404, id);
    assert.equal(r.body.error, 'NotFound');
  }
});

test('list filters by status, device and order id; newest first', async () => {
  const a = (await create({ device_id: 'VAN_1', order_id: 'F-1' })).body.id as string;
  clock.advance(1000);
  const b = (await create({ device_id: 'VAN_2', order_id: 'F-2' })).body.id as string;
  await s.api('POST', `/api/v1/shares/${b}/cancel`, { token: office });
  const ids = async (q: string) => ((await s.api('GET', `/api/v1/shares${q}`, { token: office })).body as Share[]).map((x) => x.id);
  assert.deepEqual(await ids('?order_id=F-1'), [a]);
  assert.ok((await ids('?device_id=VAN_2')).includes(b), '(await ids(\'?device_id=VAN_2\')).includes(b)');
  assert.ok(!(await ids('?device_id=VAN_2')).includes(a), '!(await ids(\'?device_id=VAN_2\')).includes(a)');
  assert.ok((await ids('?status=cancelled')).includes(b), '(await ids(\'?status=cancelled\')).includes(b)');
  assert.ok(!(await ids('?status=open')).includes(b), '!(await ids(\'?status=open\')).includes(b)');
  assert.ok((await ids('?status=open')).includes(a), '(await ids(\'?status=open\')).includes(a)');
  const all = await ids('');
  assert.ok(all.indexOf(b) < all.indexOf(a), 'newest first');
  assert.equal((await ids('?limit=1')).length, 1);
  const bad = await s.api('GET', '/api/v1/shares?status=lost', { token: office });
  assert.equal(bad.status, 400);
});

test('patch changes notes, recipient and destination, extends within the bound; ended shares refuse with 409', async () => {
  const id = (await create({ device_id: 'VAN_1', expires_in_hours: 1 })).body.id as string;
  const before = (await s.api('GET', `/api/v1/shares/${id}`, { token: office })).body as Share;
  const p = await s.api('PATCH', `/api/v1/shares/${id}`, { token: office, body: { notes: 'gate code 12', recipient_name: 'Bob', destination: { latitude: 1, longitude: 2 }, extend_hours: 2 } });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal(p.body.notes, 'gate code 12');
  assert.equal(p.body.recipient_name, 'Bob');
  assert.deepEqual(p.body.destination, { latitude: 1, longitude: 2, label: null });
  assert.equal(Date.parse(p.body.expires_at) - Date.parse(before.expires_at), 2 * 3600_000);
  const capped = await s.api('PATCH', `/api/v1/shares/${id}`, { token: office, body: { extend_hours: 168 } });
  assert.equal(Date.parse(capped.body.expires_at), clock.now() + 168 * 3600_000, 'never more than 168 h from now');
  assert.equal((await s.api('PATCH', `/api/v1/shares/${id}`, { token: office, body: { extend_hours: 0 } })).status, 400);
  assert.equal((await s.api('PATCH', `/api/v1/shares/${id}`, { token: office, body: { token_hash: 'x' } })).status, 400);

  const done = await s.api('POST', `/api/v1/shares/${id}/complete`, { token: office });
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'completed');
  assert.equal(done.body.ended_at, new Date(clock.now()).toISOString());
  for (const [m, path, body] of [
    ['PATCH', '', { notes: 'x' }],
    ['POST', '/complete', undefined],
    ['POST', '/cancel', undefined],
  ] as const) {
    const r = await s.api(m, `/api/v1/shares/${id}${path}`, { token: office, body });
    assert.equal(r.status, 409, `${m} ${path}`);
    assert.equal(r.body.error, 'Conflict');
  }
});

test('complete and cancel record their events once each', async () => {
  const a = (await create({ device_id: 'VAN_1' })).body.id as string;
  const b = (await create({ device_id: 'VAN_1' })).body.id as string;
  assert.equal((await s.api('POST', `/api/v1/shares/${a}/complete`, { headers: { 'x-api-key': apiKey } })).body.status, 'completed');
  assert.equal((await s.api('POST', `/api/v1/shares/${b}/cancel`, { token: admin })).body.status, 'cancelled');
  const events = (await s.api('GET', '/api/v1/events?limit=1000', { token: admin })).body as { event: string; object: { id: string } }[];
  assert.deepEqual(events.filter((e) => e.object.id === a).map((e) => e.event), ['ShareSessionCreated', 'ShareSessionCompleted']);
  assert.deepEqual(events.filter((e) => e.object.id === b).map((e) => e.event), ['ShareSessionCreated', 'ShareSessionCancelled']);
});

test('another company cannot see, change or end a share: 404 like an unknown id', async () => {
  const id = (await create({ device_id: 'VAN_1' })).body.id as string;
  for (const [m, path, body] of [
    ['GET', '', undefined],
    ['PATCH', '', { notes: 'mine now' }],
    ['POST', '/complete', undefined],
    ['POST', '/cancel', undefined],
  ] as const) {
    const r = await s.api(m, `/api/v1/shares/${id}${path}`, { token: betaAdmin, body });
    assert.equal(r.status, 404, `${m} ${path}`);
    assert.equal(r.body.error, 'NotFound');
    assert.equal(r.body.message, `no share "${id}"`);
  }
  const theirs = (await s.api('GET', '/api/v1/shares', { token: betaAdmin })).body as Share[];
  assert.equal(theirs.length, 0);
  assert.equal((await s.api('GET', `/api/v1/shares/${id}`, { token: office })).body.status, 'active', 'untouched');
});

test('share settings: defaults, admin changes them, links use the public base URL; office reads only; other company 404', async () => {
  const got = await s.api('GET', '/api/v1/companies/acme/share-settings', { token: office });
  assert.equal(got.status, 200);
  assert.equal(got.body.settings.arrived_radius_m, 150);
  assert.equal(got.body.settings.public_base_url, null);
  assert.ok(['lan', 'local'].includes(got.body.base_url_source), '[\'lan\', \'local\'].includes(got.body.base_url_source)');
  assert.equal((await s.api('PATCH', '/api/v1/companies/acme/share-settings', { token: office, body: { detour_factor: 1.5 } })).status, 403);
  assert.equal((await s.api('GET', '/api/v1/companies/acme/share-settings', { token: betaAdmin })).status, 404);
  for (const body of [{ public_base_url: 'ftp://x' }, { public_base_url: 'not a url' }, { frame_origins: ['https://shop.example.com/page'] }, { arrived_radius_m: 900, arriving_distance_m: 500 }, { detour_factor: 9 }]) {
    const r = await s.api('PATCH', '/api/v1/companies/acme/share-settings', { token: admin, body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error, 'BadRequest');
  }
  const p = await s.api('PATCH', '/api/v1/companies/acme/share-settings', { token: admin, body: { public_base_url: 'https://track.example.com/', frame_origins: ['https://shop.example.com'] } });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal(p.body.base_url, 'https://track.example.com');
  assert.equal(p.body.base_url_source, 'setting');
  assert.deepEqual(p.body.settings.frame_origins, ['https://shop.example.com']);
  const c = (await create({ device_id: 'VAN_1' })).body as ShareCreated;
  assert.equal(c.share_url, `https://track.example.com/s/${c.share_token}`);
  const reset = await s.api('PATCH', '/api/v1/companies/acme/share-settings', { token: admin, body: { public_base_url: null, frame_origins: [] } });
  assert.notEqual(reset.body.base_url_source, 'setting');
  assert.equal(s.ctx.db.prepare("SELECT share_settings FROM companies WHERE id = 'acme'").pluck().get(), null, 'defaults are not stored');
});

test('the OpenAPI document lists the share routes with their schemas', async () => {
  const doc = (await s.api('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  for (const [path, methods] of Object.entries({
    '/api/v1/shares': ['get', 'post'],
    '/api/v1/shares/{id}': ['get', 'patch'],
    '/api/v1/shares/{id}/complete': ['post'],
    '/api/v1/shares/{id}/cancel': ['post'],
    '/api/v1/companies/{id}/share-settings': ['get', 'patch'],
  })) {
    for (const m of methods) assert.ok(doc.paths[path]?.[m], `${m} ${path}`);
  }
  assert.equal(doc.paths['/api/v1/shares']!.post!.security!.length, 2, 'bearer or API key');
});

test("every open console hears its company's share changes live (share_update); another company's do not", async () => {
  const subscribe = async (company: string, user: string) => {
    const sock = await TestSocket.open(s.wsUrl);
    assert.equal((await sock.authenticate(user, 'office', s.token(company, user))).type, 'authenticated');
    sock.send({ action: 'subscribe', entity: COMPANY_DRIVERS });
    await sock.next((m) => m.type === 'subscribed');
    return sock;
  };
  const mine = await subscribe('acme', 'ops');
  const theirs = await subscribe('beta', 'boss');
  try {
    const id = (await create({ device_id: 'VAN_2' })).body.id as string;
    assert.deepEqual(await mine.next((m) => m.type === 'share_update'), { type: 'share_update', id: 'VAN_2', payload: { share_id: id, status: 'active' } });
    await s.api('POST', `/api/v1/shares/${id}/cancel`, { token: office });
    assert.deepEqual((await mine.next((m) => m.type === 'share_update')).payload, { share_id: id, status: 'cancelled' });
    await assert.rejects(theirs.next((m) => m.type === 'share_update', 300));
  } finally {
    mine.ws.terminate();
    theirs.ws.terminate();
  }
});
