/**
 * The crash pipeline over a real server: each of the seed's four stages for each source — the
 * driver app's crash alert with its buffer (WS), an OsmAnd `alarm=accident` (extra cut from the
 * stored positions after `crash.extraDelayMs`), server-side detection of a sudden speed drop in a
 * `location_batch` — events in order in the same log notifications read; a package that fails
 * the filters stays an open, unconfirmed alert; SOS events; resolve with a note; alert history;
 * the accidents REST with an API key; pending extras resumed after a restart; bad inputs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { offsetM } from '../../shared/geo';
import type { LoggedEvent } from '../../shared/api/events';
import { ManualClock } from '../support/manual-clock';
import { startTestServer, tempDir, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

const BASE = { lat: 48.137, lng: 11.575 };
const KNOTS = 1.943844; // m/s → knots (OsmAnd's unit)
let s: TestServer;
let admin: string;
let nextId = 0;
const sockets: TestSocket[] = [];

interface Fix {
  t: number;
  lat: number;
  lng: number;
  /** m/s */
  speed: number;
}

/** 1 Hz fixes from t0 + fromS to t0 + toS; speed (m/s) per second, moving north by it. */
function series(t0: number, fromS: number, toS: number, speedAt: (s: number) => number, origin = BASE): Fix[] {
  const out: Fix[] = [];
  let north = 0;
  for (let sec = fromS; sec <= toS; sec++) {
    const v = speedAt(sec);
    const p = offsetM(origin, north, 0);
    out.push({ t: t0 + sec * 1000, lat: p.lat, lng: p.lng, speed: v });
    north += v;
  }
  return out;
}

const crashSpeed = (sec: number) => (sec < 0 ? 14 : 0); // 50 km/h, stopped dead at the event
const wire = (f: Fix) => ({ lat: f.lat, lng: f.lng, speed: f.speed * 3.6, bearing: 0, accuracy: 5, timestamp: f.t });

async function driver(company = 'acme'): Promise<{ id: string; pk: number; key: string }> {
  const id = `DR_${++nextId}`;
  await s.user(company, id, 'driver');
  const u = s.ctx.users.get(company, id)!;
  return { id, pk: u.pk, key: u.device_key as string };
}

async function socketFor(id: string, role: 'driver' | 'office', company = 'acme'): Promise<TestSocket> {
  const sock = await TestSocket.open(s.wsUrl);
  sockets.push(sock);
  const reply = await sock.authenticate(id, role, s.token(company, id));
  assert.equal(reply.type, 'authenticated');
  return sock;
}

async function osmand(query: Record<string, string | number>): Promise<number> {
  const u = new URL(`${s.url}/osmand`);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
  return (await fetch(u, { method: 'GET' })).status;
}

async function osmandFixes(key: string, fixes: Fix[]): Promise<void> {
  for (const f of fixes) {
    assert.equal(await osmand({ id: key, lat: f.lat, lon: f.lng, timestamp: f.t, speed: (f.speed * KNOTS).toFixed(3) }), 200);
  }
}

const eventsOf = (objectId: string, company = 'acme'): LoggedEvent[] =>
  s.ctx.events.list(company, 0, 100_000).filter((e) => e.object.id === objectId || (e.object.type === 'AccidentExtra' && e.object.id === objectId));

/** The crash pipeline's delay runs on the server's clock: the tests move it. */
const clock = new ManualClock();

async function until<T>(what: string, f: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`waited in vain for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function accidentOfAlert(alertId: number): Promise<any> {
  return until(`the accident of alert ${alertId}`, async () => {
    const a = await s.api('GET', `/api/v1/alerts/${alertId}`, { token: admin });
    return a.body.accident_id ? (await s.api('GET', `/api/v1/accidents/${a.body.accident_id}`, { token: admin })).body : null;
  });
}

async function alertsOf(deviceId: string, query = ''): Promise<any[]> {
  const r = await s.api('GET', `/api/v1/alerts${query}`, { token: admin });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.filter((a: { device_id: string }) => a.device_id === deviceId);
}

before(async () => {
  s = await startTestServer({ crash: { extraDelayMs: 200 }, maxPlausibleSpeedMs: 100, clock });
  s.company('acme');
  s.company('beta');
  await s.user('acme', 'boss', 'admin');
  await s.user('acme', 'desk', 'office');
  await s.user('beta', 'bossb', 'admin');
  admin = s.token('acme', 'boss');
});

after(async () => {
  for (const sock of sockets) sock.close();
  await s.stop();
});

describe('driver app crash alert with its buffer', () => {
  let d: { id: string; pk: number; key: string };
  let alert: any;
  let accident: any;
  const t0 = Date.now() - 5 * 60_000;

  test('all four stages at once, events in order, the office sees the alert confirmed', async () => {
    d = await driver();
    const office = await socketFor('desk', 'office');
    office.send({ action: 'subscribe', entity: 'company:drivers' });
    await office.next((m) => m.type === 'subscribed');
    const sock = await socketFor(d.id, 'driver');
    const buffer = series(t0, -40, 10, crashSpeed).map(wire);
    const motion = [{ t: t0 - 100, x: 0.1, y: 9.8, z: 0.2 }, { t: t0, x: 40, y: 55, z: 3 }, { t: t0 + 100, x: 0.3, y: 9.7, z: 0.1 }];
    const payload = { kind: 'crash', timestamp: t0, peak_g: 6.9, threshold_g: 4, motion, positions: buffer };
    sock.send({ action: 'alert', id: d.id, seq: 1, payload });
    assert.deepEqual(await sock.next((m) => m.type === 'ack'), { type: 'ack', seq: 1 });
    const notice = await office.next((m) => m.type === 'alert' && m.id === d.id);
    alert = notice.payload;
    assert.equal(alert.kind, 'crash');
    assert.equal(alert.confirmed, true);
    assert.match(alert.accident_id, /^[0-9a-f-]{36}$/);
    assert.equal(alert.resolved_at, null);

    const res = await s.api('GET', `/api/v1/accidents/${alert.accident_id}`, { token: admin });
    assert.equal(res.status, 200);
    accident = res.body;
    assert.equal(accident.type, 'Accident');
    assert.equal(accident.device_id, d.id);
    assert.equal(accident.source, 'driver-app');
    assert.equal(accident.time, new Date(t0).toISOString());
    assert.equal(accident.peak_g, 6.9);
    assert.equal(accident.alert_id, alert.id);
    assert.equal(accident.passed_filters, true);
    for (const k of ['received_at', 'extra_received_at', 'package_received_at', 'filtered_at']) assert.ok(accident[k], k);
    assert.ok(accident.filter_reasons.some((r: string) => /moving at 50 km\/h/.test(r)), accident.filter_reasons.join(' | '));
    assert.ok(accident.filter_reasons.some((r: string) => /6.9 g \(threshold 4 g\)/.test(r)), 'accident.filter_reasons.some((r: string) => /6.9 g \\(threshold 4 g\\)/.test(r))');

    const ev = eventsOf(accident.id);
    assert.deepEqual(
      ev.map((e) => [e.event, e.object.type, e.object.path]),
      [
        ['AccidentEventReceived', 'Accident', `/api/v1/accidents/${accident.id}`],
        ['AccidentEventExtraReceived', 'AccidentExtra', `/api/v1/accidents/${accident.id}/extra`],
        ['AccidentEventCompletePackageReceived', 'Accident', `/api/v1/accidents/${accident.id}`],
        ['AccidentEventFiltered', 'Accident', `/api/v1/accidents/${accident.id}`],
      ],
    );
    assert.ok(ev.every((e, i) => i === 0 || e.id > (ev[i - 1] as LoggedEvent).id), 'ev.every((e, i) => i === 0 || e.id > (ev[i - 1] as LoggedEvent).id)');
    assert.equal(ev[0]!.device_id, d.id);
    assert.deepEqual(ev[0]!.details, { DateReceived: accident.received_at });
    assert.deepEqual(ev[1]!.details, { DateReceived: accident.extra_received_at });
    assert.deepEqual(ev[2]!.details, { PackageDateReceived: accident.package_received_at, AccidentPassedFilters: true });
    assert.deepEqual(ev[3]!.details, { DateFiltered: accident.filtered_at });
  });

  test('the extra holds the buffer in SI units', async () => {
    const res = await s.api('GET', `/api/v1/accidents/${accident.id}/extra`, { token: admin });
    assert.equal(res.status, 200);
    assert.equal(res.body.type, 'AccidentExtra');
    assert.equal(res.body.id, accident.id);
    assert.equal(res.body.motion.length, 3);
    assert.deepEqual(res.body.motion[1], { t: t0, x: 40, y: 55, z: 3 });
    assert.equal(res.body.positions.length, 51);
    assert.equal(res.body.positions[0].time, new Date(t0 - 40_000).toISOString());
    assert.ok(Math.abs(res.body.positions[0].speed - 14) < 1e-9, 'km/h on the wire, m/s in the dataset');
  });

  test('a resent alert (lost ack) creates no second accident', async () => {
    const sock = await socketFor(d.id, 'driver');
    sock.send({ action: 'alert', id: d.id, seq: 2, payload: { kind: 'crash', timestamp: t0, peak_g: 6.9, threshold_g: 4, positions: [wire(series(t0, 0, 0, crashSpeed)[0]!)] } });
    assert.deepEqual(await sock.next((m) => m.type === 'ack'), { type: 'ack', seq: 2 });
    const list = await s.api('GET', `/api/v1/accidents?device=${d.id}`, { token: admin });
    assert.equal(list.body.length, 1);
    assert.equal(eventsOf(accident.id).length, 4);
  });
});

describe('OsmAnd alarm=accident (no buffer)', () => {
  test('Received at once; the extra is cut from stored positions after the delay; passed → Filtered', async () => {
    const d = await driver();
    const t0 = Date.now() - 10 * 60_000;
    const fixes = series(t0, -45, 45, crashSpeed);
    await osmandFixes(d.key, fixes.filter((f) => f.t !== t0));
    const at = fixes.find((f) => f.t === t0)!;
    assert.equal(await osmand({ id: d.key, lat: at.lat, lon: at.lng, timestamp: t0, speed: 0, alarm: 'accident' }), 200);
    const [alert] = await alertsOf(d.id);
    assert.equal(alert.kind, 'crash');
    assert.match(alert.accident_id, /^[0-9a-f-]{36}$/);
    const id = alert.accident_id as string;
    const early = await s.api('GET', `/api/v1/accidents/${id}`, { token: admin });
    assert.equal(early.body.source, 'device');
    assert.equal(early.body.time, new Date(t0).toISOString());
    // Stage 1 only until the delay has passed (200 ms of the server's clock in this config).
    assert.equal(early.body.extra_received_at, null);
    assert.equal(alert.confirmed, null);
    const missing = await s.api('GET', `/api/v1/accidents/${id}/extra`, { token: admin });
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /has not been received yet/);
    clock.advance(200);
    const done = await until('the complete package', async () => {
      const r = await s.api('GET', `/api/v1/accidents/${id}`, { token: admin });
      return r.body.package_received_at ? r.body : null;
    });
    assert.equal(done.passed_filters, true);
    assert.ok(done.filtered_at, 'done.filtered_at');
    assert.deepEqual(
      eventsOf(id).map((e) => e.event),
      ['AccidentEventReceived', 'AccidentEventExtraReceived', 'AccidentEventCompletePackageReceived', 'AccidentEventFiltered'],
    );
    const extra = await s.api('GET', `/api/v1/accidents/${id}/extra`, { token: admin });
    assert.equal(extra.status, 200);
    assert.deepEqual(extra.body.motion, []);
    assert.equal(extra.body.positions.length, 91, 'every stored fix from t−60 s to t+60 s');
    assert.ok(Math.abs(extra.body.positions[0].speed - 14) < 0.01, 'Math.abs(extra.body.positions[0].speed - 14) < 0.01');
    const [after] = await alertsOf(d.id);
    assert.equal(after.confirmed, true);
  });

  test('kept driving after the alarm: CompletePackage with AccidentPassedFilters false, no Filtered; the alert stays open, confirmed=false, re-sent to offices', async () => {
    const d = await driver();
    const office = await socketFor('desk', 'office');
    office.send({ action: 'subscribe', entity: 'company:drivers' });
    await office.next((m) => m.type === 'subscribed');
    const t0 = Date.now() - 20 * 60_000;
    const fixes = series(t0, -40, 40, () => 14);
    await osmandFixes(d.key, fixes.filter((f) => f.t !== t0));
    const at = fixes.find((f) => f.t === t0)!;
    assert.equal(await osmand({ id: d.key, lat: at.lat, lon: at.lng, timestamp: t0, speed: (14 * KNOTS).toFixed(3), alarm: 'crash' }), 200);
    const first = await office.next((m) => m.type === 'alert' && m.id === d.id);
    clock.advance(200);
    const judged = await office.next((m) => m.type === 'alert' && m.id === d.id && m.payload.confirmed !== null);
    assert.equal(judged.payload.id, first.payload.id);
    assert.equal(judged.payload.confirmed, false);
    const acc = await accidentOfAlert(first.payload.id);
    assert.equal(acc.passed_filters, false);
    assert.equal(acc.filtered_at, null);
    assert.ok(acc.filter_reasons.some((r: string) => /did not stop within 20 s/.test(r)), acc.filter_reasons.join(' | '));
    const ev = eventsOf(acc.id);
    assert.deepEqual(ev.map((e) => e.event), ['AccidentEventReceived', 'AccidentEventExtraReceived', 'AccidentEventCompletePackageReceived']);
    assert.equal(ev[2]!.details.AccidentPassedFilters, false);
    const open = await alertsOf(d.id, '?state=open');
    assert.equal(open.length, 1);
    assert.equal(open[0].confirmed, false);
  });

  test('alarm=sos is an SOS alert with the event SosReceived; no accident', async () => {
    const d = await driver();
    const t = Math.floor((Date.now() - 60_000) / 1000);
    assert.equal(await osmand({ id: d.key, lat: 48.2, lon: 11.6, timestamp: t, alarm: 'sos' }), 200);
    const [alert] = await alertsOf(d.id);
    assert.equal(alert.kind, 'sos');
    assert.equal(alert.accident_id, null);
    assert.equal(alert.confirmed, null);
    const ev = eventsOf(String(alert.id)).filter((e) => e.event === 'SosReceived');
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0]!.object, { id: String(alert.id), type: 'Alert', path: `/api/v1/alerts/${alert.id}` });
    assert.equal(ev[0]!.details.DateReceived, alert.received_at);
    assert.equal(ev[0]!.details.DateOccurred, new Date(t * 1000).toISOString());
  });

  test('the driver app SOS records SosReceived too', async () => {
    const d = await driver();
    const sock = await socketFor(d.id, 'driver');
    sock.send({ action: 'alert', id: d.id, seq: 9, payload: { kind: 'sos', timestamp: Date.now() - 1000, lat: 48.1, lng: 11.5 } });
    await sock.next((m) => m.type === 'ack');
    const [alert] = await alertsOf(d.id);
    assert.equal(eventsOf(String(alert.id)).filter((e) => e.event === 'SosReceived').length, 1);
  });
});

describe('server-side detection', () => {
  test('a crash-like drop in a location_batch becomes a crash alert (source server) and a passed accident', async () => {
    const d = await driver();
    const sock = await socketFor(d.id, 'driver');
    const t0 = Date.now() - 30 * 60_000;
    const fixes = series(t0, -30, 40, crashSpeed, { lat: 48.3, lng: 11.7 });
    sock.send({ action: 'location_batch', id: d.id, seq: 1, payload: { positions: fixes.map(wire) } });
    assert.deepEqual(await sock.next((m) => m.type === 'ack'), { type: 'ack', seq: 1 });
    const alert = await until('a detected crash alert', async () => (await alertsOf(d.id))[0]);
    assert.equal(alert.kind, 'crash');
    assert.equal(alert.source, 'server');
    assert.equal(alert.time, new Date(t0).toISOString());
    const detail = await s.api('GET', `/api/v1/alerts/${alert.id}`, { token: admin });
    assert.equal(detail.body.details.detected, 'speed drop');
    assert.equal(detail.body.details.from_speed, 14);
    assert.equal(detail.body.details.still_s, 30);
    clock.advance(200);
    const acc = await until('the judged accident', async () => {
      const a = await accidentOfAlert(alert.id);
      return a.package_received_at ? a : null;
    });
    assert.equal(acc.source, 'server');
    assert.equal(acc.passed_filters, true);
    assert.deepEqual(
      eventsOf(acc.id).map((e) => e.event),
      ['AccidentEventReceived', 'AccidentEventExtraReceived', 'AccidentEventCompletePackageReceived', 'AccidentEventFiltered'],
    );
  });

  test('braking normally to a light and waiting: no alert', async () => {
    const d = await driver();
    const sock = await socketFor(d.id, 'driver');
    const t0 = Date.now() - 40 * 60_000;
    const fixes = series(t0, -30, 60, (sec) => (sec < 0 ? 14 : Math.max(0, 14 - 4 * (sec + 1))), { lat: 48.4, lng: 11.7 });
    sock.send({ action: 'location_batch', id: d.id, seq: 1, payload: { positions: fixes.map(wire) } });
    assert.deepEqual(await sock.next((m) => m.type === 'ack'), { type: 'ack', seq: 1 });
    assert.equal((await alertsOf(d.id)).length, 0);
  });
});

describe('resolve and history', () => {
  let alertId: number;
  let deviceId: string;

  before(async () => {
    const d = await driver();
    deviceId = d.id;
    assert.equal(await osmand({ id: d.key, lat: 48.5, lon: 11.5, timestamp: Date.now() - 3000, alarm: 'sos' }), 200);
    alertId = (await alertsOf(d.id))[0].id;
  });

  test('bad inputs: missing, empty, blank and too long notes; bad and unknown ids; other company; driver', async () => {
    const path = `/api/v1/alerts/${alertId}/resolve`;
    const missing = await s.api('POST', path, { token: admin, body: {} });
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /note/);
    assert.equal((await s.api('POST', path, { token: admin, body: { note: '' } })).status, 400);
    const blank = await s.api('POST', path, { token: admin, body: { note: '   ' } });
    assert.equal(blank.status, 400);
    assert.match(blank.body.message, /note must say what was done/);
    const long = await s.api('POST', path, { token: admin, body: { note: 'x'.repeat(1001) } });
    assert.equal(long.status, 400);
    assert.match(long.body.message, /1000/);
    assert.equal((await s.api('POST', path, { token: admin, body: { note: 42 } })).status, 400);
    assert.equal((await s.api('POST', '/api/v1/alerts/abc/resolve', { token: admin, body: { note: 'x' } })).status, 400);
    const unknown = await s.api('POST', '/api/v1/alerts/999999/resolve', { token: admin, body: { note: 'x' } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.message, 'no alert 999999');
    assert.equal((await s.api('POST', path, { token: s.token('beta', 'bossb'), body: { note: 'x' } })).status, 404);
    assert.equal((await s.api('POST', path, { token: s.token('acme', deviceId), body: { note: 'x' } })).status, 403);
    assert.equal((await s.api('POST', path, { body: { note: 'x' } })).status, 401);
  });

  test('resolve sets resolved and acknowledged, tells the offices, and only once', async () => {
    const office = await socketFor('desk', 'office');
    office.send({ action: 'subscribe', entity: 'company:drivers' });
    await office.next((m) => m.type === 'subscribed');
    const res = await s.api('POST', `/api/v1/alerts/${alertId}/resolve`, { token: s.token('acme', 'desk'), body: { note: ' Called the driver: a false alarm. ' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.resolved_by, 'desk');
    assert.equal(res.body.note, 'Called the driver: a false alarm.');
    assert.ok(res.body.resolved_at, 'res.body.resolved_at');
    assert.equal(res.body.acknowledged_by, 'desk');
    assert.equal(res.body.acknowledged_at, res.body.resolved_at);
    const notice = await office.next((m) => m.type === 'alert' && m.payload.id === alertId);
    assert.equal(notice.payload.resolved_at, res.body.resolved_at);
    const again = await s.api('POST', `/api/v1/alerts/${alertId}/resolve`, { token: admin, body: { note: 'again' } });
    assert.equal(again.status, 409);
    assert.match(again.body.message, /already resolved by desk/);
  });

  test('an acknowledged alert keeps its acknowledgement when resolved', async () => {
    const d = await driver();
    assert.equal(await osmand({ id: d.key, lat: 48.5, lon: 11.5, timestamp: Date.now() - 4000, alarm: 'sos' }), 200);
    const [a] = await alertsOf(d.id);
    const ack = await s.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: admin });
    assert.equal(ack.body.acknowledged_by, 'boss');
    assert.deepEqual((await alertsOf(d.id, '?state=acknowledged')).map((x) => x.id), [a.id]);
    const res = await s.api('POST', `/api/v1/alerts/${a.id}/resolve`, { token: s.token('acme', 'desk'), body: { note: 'ok' } });
    assert.equal(res.body.acknowledged_by, 'boss');
    assert.equal(res.body.acknowledged_at, ack.body.acknowledged_at);
    assert.equal(res.body.resolved_by, 'desk');
  });

  test('history: state, from/to, limit; bad filters are 400', async () => {
    const resolved = await alertsOf(deviceId, '?state=resolved');
    assert.deepEqual(resolved.map((a) => a.id), [alertId]);
    assert.equal((await alertsOf(deviceId, '?state=open')).length, 0);
    assert.equal((await alertsOf(deviceId, '?state=acknowledged')).length, 0);
    assert.equal((await alertsOf(deviceId, '?open=true')).length, 0);
    assert.equal((await alertsOf(deviceId, '?state=all')).length, 1);
    const all = await s.api('GET', '/api/v1/alerts?state=all&limit=1000', { token: admin });
    assert.ok(all.body.every((a: any) => a.resolved_at !== null || a.resolved_by === null), 'all.body.every((a: any) => a.resolved_at !== null || a.resolved_by === null)');
    assert.ok(all.body.every((a: any, i: number) => i === 0 || a.received_at <= all.body[i - 1].received_at), 'newest first');
    const future = new Date(Date.now() + 3600_000).toISOString();
    assert.equal((await s.api('GET', `/api/v1/alerts?from=${future}`, { token: admin })).body.length, 0);
    const past = new Date(Date.now() - 3600_000).toISOString();
    assert.ok((await s.api('GET', `/api/v1/alerts?from=${past}&to=${future}`, { token: admin })).body.some((a: any) => a.id === alertId), '(await s.api(\'GET\', `/api/v1/alerts?from=${past}&to=${future}`, { token: admin })).body.some((a: any) => a.…');
    assert.equal((await s.api('GET', `/api/v1/alerts?to=${past}`, { token: admin })).body.length, 0);
    assert.equal((await s.api('GET', '/api/v1/alerts?limit=2', { token: admin })).body.length, 2);
    assert.equal((await s.api('GET', '/api/v1/alerts?state=closed', { token: admin })).status, 400);
    assert.equal((await s.api('GET', '/api/v1/alerts?from=yesterday', { token: admin })).status, 400);
    const backwards = await s.api('GET', `/api/v1/alerts?from=${future}&to=${past}`, { token: admin });
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.message, 'to must be after from');
    assert.equal((await s.api('GET', '/api/v1/alerts?state=all', { token: s.token('beta', 'bossb') })).body.length, 0);
  });
});

describe('accidents REST', () => {
  test('API key access, company scope, device and time filters, bad inputs', async () => {
    const list = await s.api('GET', '/api/v1/accidents', { token: admin });
    assert.equal(list.status, 200);
    assert.ok(list.body.length >= 4, 'list.body.length >= 4');
    assert.ok(list.body.every((a: any, i: number) => i === 0 || a.time <= list.body[i - 1].time), 'newest first');
    const one = list.body[0];

    const { key } = s.ctx.apiKeys.create('acme', 'backend');
    const viaKey = await s.api('GET', `/api/v1/accidents/${one.id}`, { headers: { 'x-api-key': key } });
    assert.equal(viaKey.status, 200);
    assert.deepEqual(viaKey.body, one);
    assert.equal((await s.api('GET', '/api/v1/accidents', { headers: { 'x-api-key': key } })).body.length, list.body.length);
    const extra = await s.api('GET', `/api/v1/accidents/${one.id}/extra`, { headers: { 'x-api-key': key } });
    assert.equal(extra.status, 200);

    const betaKey = s.ctx.apiKeys.create('beta', 'other').key;
    const cross = await s.api('GET', `/api/v1/accidents/${one.id}`, { headers: { 'x-api-key': betaKey } });
    assert.equal(cross.status, 404);
    assert.equal(cross.body.message, `no accident ${one.id}`);
    assert.equal((await s.api('GET', `/api/v1/accidents/${one.id}/extra`, { token: s.token('beta', 'bossb') })).status, 404);
    assert.deepEqual((await s.api('GET', '/api/v1/accidents', { headers: { 'x-api-key': betaKey } })).body, []);
    assert.equal((await s.api('GET', '/api/v1/accidents', { headers: { 'x-api-key': 'nope' } })).status, 401);
    assert.equal((await s.api('GET', '/api/v1/accidents')).status, 401);
    assert.equal((await s.api('GET', '/api/v1/accidents', { token: s.token('acme', one.device_id) })).status, 403);

    const mine = await s.api('GET', `/api/v1/accidents?device=${one.device_id}`, { token: admin });
    assert.ok(mine.body.length >= 1 && mine.body.every((a: any) => a.device_id === one.device_id), 'mine.body.length >= 1 && mine.body.every((a: any) => a.device_id === one.device_id)');
    const nobody = await s.api('GET', '/api/v1/accidents?device=GHOST', { token: admin });
    assert.equal(nobody.status, 404);
    assert.match(nobody.body.message, /no device "GHOST"/);
    const t = Date.parse(one.time);
    const around = await s.api('GET', `/api/v1/accidents?from=${new Date(t).toISOString()}&to=${new Date(t + 1).toISOString()}`, { token: admin });
    assert.deepEqual(around.body.map((a: any) => a.id), [one.id]);
    assert.equal((await s.api('GET', '/api/v1/accidents?from=soon', { token: admin })).status, 400);
    assert.equal((await s.api('GET', '/api/v1/accidents/not-a-uuid', { token: admin })).status, 400);
    const unknown = await s.api('GET', `/api/v1/accidents/${crypto.randomUUID()}`, { token: admin });
    assert.equal(unknown.status, 404);
    assert.equal((await s.api('GET', `/api/v1/accidents/${crypto.randomUUID()}/extra`, { token: admin })).status, 404);
  });
});

describe('restart', () => {
  test('an extra pending when the server stopped is assembled when it starts again', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({ dataDir, crash: { extraDelayMs: 3_600_000 } });
    first.company('acme');
    await first.user('acme', 'boss', 'admin');
    await first.user('acme', 'van', 'driver');
    const key = first.ctx.users.get('acme', 'van')!.device_key as string;
    const t0 = Date.now() - 60_000;
    const fixes = series(t0, -30, 30, crashSpeed);
    const u = (f: Fix, alarm?: string) => `${first.url}/osmand?id=${key}&lat=${f.lat}&lon=${f.lng}&timestamp=${f.t}&speed=${(f.speed * KNOTS).toFixed(3)}${alarm ? `&alarm=${alarm}` : ''}`;
    for (const f of fixes) assert.equal((await fetch(u(f, f.t === t0 ? 'accident' : undefined))).status, 200);
    const [acc] = first.ctx.accidents.store.list('acme');
    assert.ok(acc, 'acc');
    assert.equal(acc.extra_received_at, null);
    assert.equal(first.ctx.accidents.waiting, 1);
    await first.stop();

    const second = await startTestServer({ dataDir, crash: { extraDelayMs: 0 } });
    try {
      const done = await until('the resumed package', () => {
        const r = second.ctx.accidents.store.row(acc.id);
        return r?.package_received_at ? r : null;
      });
      assert.equal(done.passed_filters, 1);
      assert.deepEqual(
        second.ctx.events.list('acme').filter((e) => e.object.id === acc.id).map((e) => e.event),
        ['AccidentEventReceived', 'AccidentEventExtraReceived', 'AccidentEventCompletePackageReceived', 'AccidentEventFiltered'],
      );
    } finally {
      await second.stop();
    }
  });
});
