/** /api/v1/positions/latest and /api/v1/devices/:id/positions (history with cursor paging). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';

const BASE = Date.parse('2024-05-01T08:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

let s: TestServer;
let office: string;

/** Stores a position through the real HTTP fallback (speed in km/h there). */
async function sendLocation(driver: string, deviceTime: number, i = 0): Promise<void> {
  const payload = { lat: 9 + i / 1000, lng: 38.7 + i / 1000, speed: 36, bearing: (i * 10) % 360, timestamp: iso(deviceTime) };
  const res = await s.api('POST', '/v1/driver/location', { token: s.token('acme', driver), body: { id: driver, payload } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

interface Page {
  items: { device_time: string; lat: number; speed: number }[];
  next_cursor: string | null;
}

async function history(device: string, query: Record<string, string | number>): Promise<{ status: number; body: Page & { error?: string; message?: string } }> {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return s.api('GET', `/api/v1/devices/${device}/positions${qs ? `?${qs}` : ''}`, { token: office });
}

before(async () => {
  s = await startTestServer({ ws: { minUpdateIntervalMs: 0 } });
  s.company('acme');
  await s.user('acme', 'OF_1', 'office');
  await s.user('acme', 'AD_1', 'admin');
  for (const id of ['DR_1', 'DR_2', 'DR_3']) await s.user('acme', id, 'driver', { display_name: `Driver ${id.slice(3)}` });
  office = s.token('acme', 'OF_1');
  // 25 positions one minute apart, sent out of order; DR_2 gets one recent and one old fix
  const order = Array.from({ length: 25 }, (_, i) => (i * 7) % 25);
  for (const i of order) await sendLocation('DR_1', BASE + i * MINUTE, i);
  await sendLocation('DR_2', Date.now() - 25 * HOUR, 1);
  await sendLocation('DR_2', Date.now() - HOUR, 2);
});
after(async () => {
  await s.stop();
  fs.rmSync(s.dataDir, { recursive: true, force: true });
});

test('history pages through 25 positions 10 at a time: 3 pages, ordered, no duplicates', async () => {
  const range = { from: iso(BASE), to: iso(BASE + HOUR), limit: 10 };
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const res = await history('DR_1', cursor ? { ...range, cursor } : range);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    pages.push(res.body);
    cursor = res.body.next_cursor;
    assert.ok(pages.length <= 3, 'too many pages');
  } while (cursor);
  assert.deepEqual(
    pages.map((p) => p.items.length),
    [10, 10, 5],
  );
  assert.equal(typeof pages[0]!.next_cursor, 'string');
  assert.equal(pages[2]!.next_cursor, null);
  const times = pages.flatMap((p) => p.items.map((i) => i.device_time));
  assert.deepEqual(
    times,
    Array.from({ length: 25 }, (_, i) => iso(BASE + i * MINUTE)),
  );
  assert.equal(new Set(times).size, 25);
  // SI units: 36 km/h in, 10 m/s out
  assert.ok(pages.every((p) => p.items.every((i) => i.speed === 10)), 'pages.every((p) => p.items.every((i) => i.speed === 10))');
});

test('history is from ≤ device_time < to, and takes any ISO-8601 offset', async () => {
  const res = await history('DR_1', { from: iso(BASE + 5 * MINUTE), to: iso(BASE + 10 * MINUTE) });
  assert.equal(res.status, 200);
  assert.deepEqual(
    res.body.items.map((i) => i.device_time),
    [5, 6, 7, 8, 9].map((m) => iso(BASE + m * MINUTE)),
  );
  assert.equal(res.body.next_cursor, null);

  // 08:20Z written as 11:20 at +03:00
  const offset = await history('DR_1', { from: '2024-05-01T11:20:00+03:00', to: '2024-05-01T11:22:00+03:00' });
  assert.equal(offset.status, 200, JSON.stringify(offset.body));
  assert.deepEqual(
    offset.body.items.map((i) => i.device_time),
    [iso(BASE + 20 * MINUTE), iso(BASE + 21 * MINUTE)],
  );

  // a page that ends exactly at the last position has no next page
  const exact = await history('DR_1', { from: iso(BASE), to: iso(BASE + HOUR), limit: 25 });
  assert.equal(exact.body.items.length, 25);
  assert.equal(exact.body.next_cursor, null);
});

test('without from/to the history is the last 24 hours', async () => {
  const res = await history('DR_2', {});
  assert.equal(res.status, 200);
  assert.equal(res.body.items.length, 1);
  assert.ok(Math.abs(Date.parse(res.body.items[0]!.device_time) - (Date.now() - HOUR)) < 5 * MINUTE, 'Math.abs(Date.parse(res.body.items[0]!.device_time) - (Date.now() - HOUR)) < 5 * MINUTE');
  assert.deepEqual((await history('DR_1', {})).body, { items: [], next_cursor: null });

  // only `to`: the 24 hours before it, so the fix of 25 h ago and not the one of 1 h ago
  const before = await history('DR_2', { to: iso(Date.now() - 2 * HOUR) });
  assert.equal(before.status, 200);
  assert.equal(before.body.items.length, 1);
  assert.ok(Math.abs(Date.parse(before.body.items[0]!.device_time) - (Date.now() - 25 * HOUR)) < 5 * MINUTE, 'Math.abs(Date.parse(before.body.items[0]!.device_time) - (Date.now() - 25 * HOUR)) < 5 * MINUTE');
  const wider = await history('DR_2', { from: iso(Date.now() - 48 * HOUR) });
  assert.equal(wider.body.items.length, 2);
});

test('history answers 400 to a bad range, time, limit or cursor', async () => {
  const cases: [Record<string, string | number>, RegExp][] = [
    [{ from: iso(BASE + HOUR), to: iso(BASE) }, /from must be before to/],
    [{ from: iso(BASE), to: iso(BASE) }, /from must be before to/],
    [{ from: 'yesterday' }, /from.*date-time/],
    [{ to: '2024-13-45T99:00:00Z' }, /to/],
    [{ limit: 0 }, /limit/],
    [{ limit: 10001 }, /limit/],
    [{ limit: 'ten' }, /limit/],
    [{ cursor: 'not a cursor!' }, /cursor/],
    [{ cursor: Buffer.from('-5').toString('base64url') }, /cursor/],
    [{ cursor: 'x'.repeat(101) }, /cursor/],
    [{ colour: 'blue', cursor: '***' }, /cursor/],
  ];
  for (const [query, message] of cases) {
    const res = await history('DR_1', query);
    assert.equal(res.status, 400, `${JSON.stringify(query)} → ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error, 'BadRequest');
    assert.match(res.body.message!, message, JSON.stringify(query));
  }
});

test('history is 404 for an unknown device and for a user who is not a driver', async () => {
  for (const id of ['NOPE', 'OF_1']) {
    const res = await history(id, {});
    assert.equal(res.status, 404, id);
    assert.equal(res.body.error, 'NotFound');
  }
});

test('GET /positions/latest lists every device with a known position, with its name', async () => {
  const res = await s.api('GET', '/api/v1/positions/latest', { token: s.token('acme', 'AD_1') });
  assert.equal(res.status, 200);
  assert.deepEqual(
    res.body.map((l: { id: string; name: string }) => [l.id, l.name]),
    [
      ['DR_1', 'Driver 1'],
      ['DR_2', 'Driver 2'],
    ],
  );
  const dr1 = res.body[0].position;
  assert.equal(dr1.device_time, iso(BASE + 24 * MINUTE)); // the newest, though sent before others
  assert.equal(dr1.lat, 9.024);
  assert.equal(dr1.speed, 10);
  assert.deepEqual(dr1, (await s.api('GET', '/api/v1/devices/DR_1', { token: office })).body.last_position);
});

test('deleting a driver deletes its positions', async () => {
  await s.user('acme', 'DR_TMP', 'driver');
  await sendLocation('DR_TMP', BASE, 1);
  const pk = s.ctx.users.get('acme', 'DR_TMP')!.pk;
  assert.equal(s.ctx.positions.range(pk, 0, Date.now(), 10).length, 1);
  const del = await s.api('DELETE', '/api/v1/users/DR_TMP', { token: s.token('acme', 'AD_1') });
  assert.equal(del.status, 204);
  assert.equal(s.ctx.positions.range(pk, 0, Date.now(), 10).length, 0);
  assert.equal(s.ctx.positions.latest(pk), undefined);
  const latest = await s.api('GET', '/api/v1/positions/latest', { token: office });
  assert.ok(!latest.body.some((l: { id: string }) => l.id === 'DR_TMP'), '!latest.body.some((l: { id: string }) => l.id === \'DR_TMP\')');
  assert.equal((await history('DR_TMP', {})).status, 404);
});
