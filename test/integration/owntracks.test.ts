/**
 * OwnTracks in HTTP mode over real HTTP: all 114 real messages (each gets a sensible answer,
 * never 5xx; locations stored with exactly the converted values), Basic auth, friends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OWNTRACKS_ENCRYPTED_MESSAGE } from '../../shared/protocol/owntracks';
import { droppedByReason, fields, readSample, send, startPhones, type Phones } from './phone-fixtures';

interface Message {
  id: string;
  raw: string;
  valid_json: boolean;
  parsed?: unknown;
}
const corpus = readSample<{ message_count: number; messages: Message[] }>('owntracks-messages.json');

let p: Phones;
before(async () => {
  p = await startPhones();
});
after(() => p.s.stop());

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const post = (auth: string | null, body: string, headers: Record<string, string> = {}, contentType: string | null = 'application/json') =>
  send('POST', `${p.s.url}/owntracks`, { body, contentType, headers: auth ? { authorization: auth, ...headers } : headers });

type Json = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** What FleetDesk must answer a message with, from OwnTracks' documented semantics. */
function expectation(
  m: Message,
  before: number,
  after: number,
): { status: 200; stored: object | null; online?: boolean; dropped?: string } | { status: 400; message: string } {
  if (!m.valid_json) return m.raw.trim() === '' ? { status: 200, stored: null } : { status: 400, message: 'the body is not valid JSON' };
  const o = m.parsed;
  if (Array.isArray(o) || typeof o !== 'object' || o === null) return { status: 200, stored: null };
  const msg = o as Json;
  if (msg._type === 'encrypted') return { status: 400, message: OWNTRACKS_ENCRYPTED_MESSAGE };
  if (msg._type === 'lwt') return { status: 200, stored: null, online: false };
  if (msg._type !== 'location') return { status: 200, stored: null };
  if (msg.lat === undefined) return { status: 400, message: 'lat is missing' };
  // Fixes that can never be stored are answered as delivered (the app's queue moves on), dropped and counted.
  if (msg.lat === 0 && msg.lon === 0) return { status: 200, stored: null, online: true, dropped: 'zero_position' };
  const tst = num(msg.tst);
  if (tst !== undefined && tst < 946684800) return { status: 200, stored: null, online: true, dropped: 'bad_time' };
  const vel = num(msg.vel);
  const cog = num(msg.cog);
  const acc = num(msg.acc);
  return {
    status: 200,
    online: true,
    stored: {
      lat: msg.lat,
      lng: msg.lon,
      speed: vel !== undefined && vel >= 0 ? vel / 3.6 : 0,
      bearing: cog !== undefined && cog >= 0 ? cog : 0,
      accuracy: acc !== undefined && acc >= 0 ? acc : null,
      altitude: num(msg.alt) ?? null,
      device_time: tst === undefined ? [before, after] : tst * 1000,
      source: 'owntracks',
    },
  };
}

describe('every message of owntracks-messages.json', () => {
  assert.equal(corpus.messages.length, 114);
  assert.equal(corpus.message_count, 114);
  for (const m of corpus.messages) {
    test(m.id, async () => {
      const d = await p.driver();
      const before = Date.now();
      const res = await post(basic(d.id, d.key), m.raw);
      const after = Date.now();
      const want = expectation(m, before, after);
      assert.ok(res.status < 500, res.text);
      assert.equal(res.status, want.status, `${res.text} for ${m.raw.slice(0, 200)}`);
      if (want.status === 400) {
        assert.deepEqual(res.body, { error: 'BadRequest', message: want.message });
        assert.equal(p.stored(d.pk).length, 0);
        return;
      }
      assert.deepEqual(res.body, [], 'no friends shared: []');
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const rows = p.stored(d.pk).map(fields);
      if (!want.stored) assert.deepEqual(rows, []);
      else {
        assert.equal(rows.length, 1);
        const w = want.stored as { device_time: number | number[] };
        if (Array.isArray(w.device_time)) {
          assert.ok(rows[0]!.device_time >= w.device_time[0]! && rows[0]!.device_time <= w.device_time[1]!, 'no tst: the arrival time');
          assert.deepEqual({ ...rows[0], device_time: 0 }, { ...want.stored, device_time: 0 });
        } else assert.deepEqual(rows[0], want.stored);
      }
      if (want.online !== undefined) assert.equal(p.s.ctx.deviceStatus.get(d.pk)?.online, want.online);
      assert.deepEqual(droppedByReason(await p.reception(d.id)), want.dropped ? { [want.dropped]: 1 } : {});
    });
  }

  test('spot checks: vel is km/h (ot-072: 79 km/h), battery/charging/connection reach the device status (ot-034)', async () => {
    const d = await p.driver();
    const ot072 = corpus.messages.find((m) => m.id === 'ot-072')!;
    assert.equal((await post(basic(d.id, d.key), ot072.raw)).status, 200);
    const row = p.stored(d.pk)[0]!;
    assert.ok(Math.abs(row.speed - 21.9444) < 1e-4, 'Math.abs(row.speed - 21.9444) < 1e-4');
    assert.equal(row.bearing, 277);
    assert.equal(row.device_time, 1721896446000);
    const e = await p.driver();
    assert.equal((await post(basic(e.id, e.key), corpus.messages.find((m) => m.id === 'ot-034')!.raw)).status, 200);
    const device = await p.s.api('GET', `/api/v1/devices/${e.id}`, { token: p.adminToken });
    assert.deepEqual(
      { battery: device.body.status.battery, charging: device.body.status.charging, connection: device.body.status.connection, online: device.body.status.online, source: device.body.status.source },
      { battery: 94, charging: false, connection: 'wifi', online: true, source: 'owntracks' },
    );
  });
});

describe('HTTP details', () => {
  const location = JSON.stringify({ _type: 'location', lat: 48.137, lon: 11.575, tst: 1700000000, vel: 50, tid: 'xx' });

  test('zero-length body: 200 []; a body with no Content-Type is read as JSON', async () => {
    const d = await p.driver();
    const empty = await post(basic(d.id, d.key), '');
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body, []);
    const bare = await post(basic(d.id, d.key), location, {}, null);
    assert.equal(bare.status, 200);
    assert.equal(p.stored(d.pk).length, 1);
  });

  test('a repeated message (the app retrying) is 200 and stored once', async () => {
    const d = await p.driver();
    assert.equal((await post(basic(d.id, d.key), location)).status, 200);
    assert.equal((await post(basic(d.id, d.key), location)).status, 200);
    assert.equal(p.stored(d.pk).length, 1);
  });

  test('a huge body: 413', async () => {
    const d = await p.driver();
    const res = await post(basic(d.id, d.key), JSON.stringify({ _type: 'card', face: 'A'.repeat(1100 * 1024) }));
    assert.equal(res.status, 413);
    assert.equal(res.body.error, 'PayloadTooLarge');
  });

  test('a tst three days ahead (a wrong phone clock): 200 [], stored at arrival time with the phone time beside it', async () => {
    const d = await p.driver();
    const tst = Math.floor(Date.now() / 1000) + 3 * 86400;
    const before = Date.now();
    const res = await post(basic(d.id, d.key), JSON.stringify({ _type: 'location', lat: 1, lon: 2, tst }));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, []);
    const [row] = p.stored(d.pk);
    assert.ok(row && row.device_time >= before && row.device_time <= Date.now(), 'row && row.device_time >= before && row.device_time <= Date.now()');
    assert.equal(row.reported_time, tst * 1000);
    const r = await p.reception(d.id);
    assert.equal(r.clock.state, 'ahead');
    assert.ok(Math.abs(r.clock.offset_ms - 3 * 86400e3) < 5000, String(r.clock.offset_ms));
  });
});

describe('Basic authentication', () => {
  const location = JSON.stringify({ _type: 'location', lat: 48.137, lon: 11.575, tst: 1700000000 });
  const refused = async (auth: string | null, message: RegExp, headers: Record<string, string> = {}) => {
    const res = await post(auth, location, headers);
    assert.equal(res.status, 401, res.text);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="FleetDesk"');
    assert.equal(res.body.error, 'Unauthorized');
    assert.match(res.body.message, message);
  };

  test('missing, malformed, wrong key, a key of another user: 401 with a Basic challenge', async () => {
    const d = await p.driver();
    const other = await p.driver();
    await refused(null, /must authenticate/);
    await refused('Bearer abc', /must authenticate/);
    await refused(basic(d.id, ''), /must authenticate/);
    await refused(basic(d.id, 'my-real-password'), /^no driver has this user id and device key/);
    // another user's key is answered exactly as an unknown one: no hint that the key exists
    await refused(basic(d.id, other.key), /^no driver has this user id and device key/);
    assert.equal(p.stored(d.pk).length + p.stored(other.pk).length, 0);
    const unknown = await p.s.api('GET', '/api/v1/unknown-devices', { token: p.adminToken });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body.find((u: { identifier: string }) => u.identifier === 'my-real-password'), undefined, 'a password field is never shown to admins');
  });

  test('X-Limit-U stands in for an empty user name; with neither, the key alone identifies', async () => {
    const d = await p.driver();
    const other = await p.driver();
    await refused(basic('', d.key), /^no driver has this user id and device key/, { 'x-limit-u': other.id, 'x-limit-d': 'phone' });
    assert.equal((await post(basic('', d.key), location, { 'x-limit-u': d.id, 'x-limit-d': 'phone' })).status, 200);
    assert.equal((await post(basic('', d.key), location.replace('1700000000', '1700000001'))).status, 200);
    assert.equal(p.stored(d.pk).length, 2);
  });

  test('disabled driver and rotated key: 401', async () => {
    const d = await p.driver();
    assert.equal((await p.s.api('POST', `/api/v1/devices/${d.id}/key/rotate`, { token: p.adminToken })).status, 200);
    await refused(basic(d.id, d.key), /^this device key was replaced in FleetDesk/);
    const e = await p.driver();
    await p.s.api('PATCH', `/api/v1/users/${e.id}`, { token: p.adminToken, body: { disabled: true } });
    await refused(basic(e.id, e.key), /is disabled/);
  });
});

describe('friends (company owntracks_friends)', () => {
  test('the reply carries the other drivers’ cards and latest locations with distinct tids', async () => {
    const s = p.s;
    const company = s.company('friends-co');
    await s.user(company, 'anna', 'driver', { display_name: 'Anna A.' });
    await s.user(company, 'anton', 'driver', { display_name: 'Anton' });
    await s.user(company, 'ben', 'driver');
    await s.user(company, 'boss', 'admin');
    const key = (id: string) => s.ctx.users.get(company, id)!.device_key;
    const at = (lat: number, tst: number, vel: number) => JSON.stringify({ _type: 'location', lat, lon: 11.5, tst, vel, cog: 90, acc: 5, alt: 520 });
    assert.deepEqual((await post(basic('anna', key('anna')), at(48.1, 1700000000, 50))).body, [], 'friends off: []');
    const patched = await s.api('PATCH', `/api/v1/companies/${company}`, { token: s.token(company, 'boss'), body: { owntracks_friends: true } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal((await post(basic('anton', key('anton')), at(48.2, 1700000010, 37))).status, 200);
    const res = await post(basic('ben', key('ben')), at(48.3, 1700000020, 0));
    assert.equal(res.status, 200);
    const reply = res.body as Json[];
    const cards = reply.filter((o) => o._type === 'card');
    const locations = reply.filter((o) => o._type === 'location');
    assert.deepEqual(cards.map((c) => c.name).sort(), ['Anna A.', 'Anton'], 'not ben himself');
    const tids = cards.map((c) => c.tid as string);
    assert.equal(new Set(tids).size, 2);
    for (const t of tids) assert.match(t, /^[a-z0-9]{2}$/);
    const anna = locations.find((l) => l.tid === cards.find((c) => c.name === 'Anna A.')!.tid)!;
    assert.deepEqual(anna, { _type: 'location', tid: anna.tid, topic: 'owntracks/anna/fleetdesk', lat: 48.1, lon: 11.5, tst: 1700000000, vel: 50, cog: 90, acc: 5, alt: 520 });
    const anton = locations.find((l) => l.topic === 'owntracks/anton/fleetdesk')!;
    assert.equal(anton.vel, 37, 'vel back in whole km/h');
    // the same tids whoever asks
    const again = (await post(basic('anna', key('anna')), at(48.11, 1700000030, 10))).body as Json[];
    assert.equal(again.find((o) => o._type === 'card' && o.name === 'Anton')!.tid, cards.find((c) => c.name === 'Anton')!.tid);
  });

  test('lwt marks the device offline in its status', async () => {
    const d = await p.driver();
    await post(basic(d.id, d.key), JSON.stringify({ _type: 'location', lat: 1, lon: 2, tst: 1700000000 }));
    assert.equal(p.s.ctx.deviceStatus.get(d.pk)?.online, true);
    assert.equal((await post(basic(d.id, d.key), JSON.stringify({ _type: 'lwt', tst: 1700000100 }))).status, 200);
    const device = await p.s.api('GET', `/api/v1/devices/${d.id}`, { token: p.adminToken });
    assert.equal(device.body.status.online, false);
  });
});
