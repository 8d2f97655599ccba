/**
 * Phones never wedged: real phone apps keep their fixes in a queue and resend its head until the
 * server answers 2xx (Traccar Client deletes a position only on 200; OwnTracks and GPSLogger
 * re-queue a failed message at the front). A fix that can never be stored must therefore be
 * answered as delivered, or every later fix of that phone is lost. These tests drive such a
 * queue over every protocol with a bad head (0,0, a 1999 date, a clock two days ahead) and check
 * that it drains and the good fixes arrive; wrong credentials must still be refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { COMPANY_DRIVERS } from '../../shared/protocol/tracking';
import { GPS_ROLLOVER_MS } from '../../main/server/ingest/phone-clock';
import { TestSocket } from '../support/ws-client';
import { droppedByReason, send, startPhones, type Phones, type Sent } from './phone-fixtures';

let p: Phones;
before(async () => {
  p = await startPhones({ ws: { minUpdateIntervalMs: 20 } });
});
after(() => p.s.stop());

interface Fix {
  lat: number;
  lon: number;
  /** epoch ms */
  time: number;
}

interface Phone {
  id: string;
  pk: number;
  key: string;
  token: string;
}

type Protocol = 'osmand-query' | 'osmand-form' | 'traccar-json' | 'gpslogger' | 'owntracks' | 'http-fallback';
const PROTOCOLS: Protocol[] = ['osmand-query', 'osmand-form', 'traccar-json', 'gpslogger', 'owntracks', 'http-fallback'];

const iso = (ms: number) => new Date(ms).toISOString();
/** Times on whole seconds: OsmAnd and OwnTracks carry seconds, the others milliseconds. */
const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
const sec = (ms: number) => Math.round(ms / 1000);

/** One fix as each app puts it on the wire. */
function request(protocol: Protocol, phone: Phone, f: Fix): Promise<Sent> {
  switch (protocol) {
    case 'osmand-query':
      return send('GET', `${p.osmandUrl}/?id=${phone.key}&lat=${f.lat}&lon=${f.lon}&timestamp=${sec(f.time)}&speed=10&bearing=90`);
    case 'osmand-form':
      return send('POST', `${p.osmandUrl}/`, { body: `id=${phone.key}&lat=${f.lat}&lon=${f.lon}&timestamp=${sec(f.time)}&accuracy=5&speed=10&bearing=90&batt=80` });
    case 'traccar-json':
      return send('POST', `${p.s.url}/osmand`, {
        body: JSON.stringify({ location: { timestamp: iso(f.time), coords: { latitude: f.lat, longitude: f.lon, speed: 5, heading: 90, accuracy: 5 } }, device_id: phone.key }),
        contentType: 'application/json',
      });
    case 'gpslogger':
      return send('GET', `${p.s.url}/gpslogger?key=${phone.key}&lat=${f.lat}&lon=${f.lon}&time=${iso(f.time)}&spd=5`);
    case 'owntracks':
      return send('POST', `${p.s.url}/owntracks`, {
        body: JSON.stringify({ _type: 'location', lat: f.lat, lon: f.lon, tst: sec(f.time), tid: 'vn' }),
        contentType: 'application/json',
        headers: { authorization: `Basic ${Buffer.from(`${phone.id}:${phone.key}`).toString('base64')}` },
      });
    case 'http-fallback':
      return send('POST', `${p.s.url}/v1/driver/location`, {
        body: JSON.stringify({ id: phone.id, payload: { lat: f.lat, lng: f.lon, speed: 18, bearing: 90, timestamp: iso(f.time) } }),
        contentType: 'application/json',
        headers: { authorization: `Bearer ${phone.token}` },
      });
  }
}

/**
 * A phone app's outbox as Traccar Client keeps it: oldest first, the head deleted only when the
 * server answers 2xx, otherwise sent again. Real apps wait between attempts; here the attempts
 * on one head are bounded, and a head that never leaves is reported as a wedge.
 */
async function drainFifo(protocol: Protocol, phone: Phone, queue: Fix[], maxAttemptsOnHead = 3): Promise<{ delivered: number; wedged: { status: number; text: string } | null }> {
  const q = [...queue];
  let delivered = 0;
  let attempts = 0;
  while (q.length > 0) {
    const res = await request(protocol, phone, q[0]!);
    if (res.status >= 200 && res.status < 300) {
      q.shift();
      delivered++;
      attempts = 0;
    } else if (res.status === 429) {
      await new Promise((r) => setTimeout(r, 30)); // too fast: a transient refusal, the app waits
    } else if (++attempts >= maxAttemptsOnHead) {
      return { delivered, wedged: { status: res.status, text: res.text } };
    }
  }
  return { delivered, wedged: null };
}

async function newPhone(): Promise<Phone> {
  const d = await p.driver();
  return { ...d, token: p.s.token(p.company, d.id) };
}

/** A queue: the bad head, then three good fixes replayed from a drive a minute ago. */
function queueWith(head: Fix): Fix[] {
  const t0 = wholeSecond(Date.now() - 60_000);
  return [head, ...[1, 2, 3].map((i) => ({ lat: 48.137 + i * 0.0005, lon: 11.575, time: t0 + i * 1000 }))];
}

const HEADS: { name: string; head: () => Fix; dropped: string | null }[] = [
  { name: 'a 0,0 fix', head: () => ({ lat: 0, lon: 0, time: Date.now() - 120_000 }), dropped: 'zero_position' },
  { name: 'a fix dated 1999', head: () => ({ lat: 48.137, lon: 11.575, time: Date.UTC(1999, 7, 21, 23, 59) }), dropped: 'bad_time' },
  { name: 'a fix dated two days ahead', head: () => ({ lat: 48.137, lon: 11.575, time: wholeSecond(Date.now() + 2 * 86_400_000) }), dropped: null },
];

for (const protocol of PROTOCOLS) {
  describe(`${protocol}: a queue that resends its head until 2xx`, () => {
    for (const { name, head, dropped } of HEADS) {
      test(`drains completely when its head is ${name}`, async () => {
        const phone = await newPhone();
        const queue = queueWith(head());
        const out = await drainFifo(protocol, phone, queue);
        assert.equal(out.wedged, null, `wedged: ${JSON.stringify(out.wedged)}`);
        assert.equal(out.delivered, 4);
        const rows = p.stored(phone.pk);
        const good = queue.slice(1).map((f) => f.time);
        assert.deepEqual(
          rows.filter((r) => r.reported_time === null).map((r) => r.device_time),
          good,
          'every good fix arrived, with its own time',
        );
        const r = await p.reception(phone.id);
        if (dropped) {
          assert.equal(rows.length, 3);
          assert.deepEqual(droppedByReason(r), { [dropped]: 1 });
          assert.equal(r.dropped[0]!.last_source, protocol.startsWith('osmand') || protocol === 'traccar-json' ? 'osmand' : protocol === 'http-fallback' ? 'http' : protocol);
        } else {
          // The clock ahead: stored, at arrival time, with the phone's own time beside it.
          assert.equal(rows.length, 4);
          const moved = rows.find((row) => row.reported_time !== null)!;
          assert.equal(moved.reported_time, queue[0]!.time);
          assert.ok(Math.abs(moved.device_time - Date.now()) < 10_000, 'stored at arrival time');
          assert.deepEqual(droppedByReason(r), {});
        }
      });
    }

    test('a wrong credential is still refused with a 4xx: the queue stops, nothing is stored', async () => {
      const phone = await newPhone();
      const wrong: Phone = { ...phone, key: `${phone.key.slice(0, -4)}zzzz`, token: `${phone.token.slice(0, -4)}AAAA` };
      const out = await drainFifo(protocol, wrong, queueWith({ lat: 48.1, lon: 11.5, time: Date.now() - 90_000 }));
      assert.ok(out.wedged && out.wedged.status >= 400 && out.wedged.status < 500, JSON.stringify(out.wedged));
      assert.equal(out.wedged.status, protocol === 'owntracks' || protocol === 'http-fallback' ? 401 : 404);
      assert.equal(out.delivered, 0);
      assert.equal(p.stored(phone.pk).length, 0);
    });

    test('a disabled driver is refused with 401', async () => {
      const phone = await newPhone();
      assert.equal((await p.s.api('PATCH', `/api/v1/users/${phone.id}`, { token: p.adminToken, body: { disabled: true } })).status, 200);
      const out = await drainFifo(protocol, phone, queueWith({ lat: 48.1, lon: 11.5, time: Date.now() - 90_000 }));
      assert.equal(out.wedged?.status, 401, JSON.stringify(out.wedged));
      assert.equal(p.stored(phone.pk).length, 0);
    });
  });
}

/** A Tracking API client that resends the head of its queue until it is acked. */
async function drainWs(phone: Phone, queue: Fix[]): Promise<{ acks: any[] }> {
  const sock = await TestSocket.open(p.s.wsUrl);
  try {
    assert.equal((await sock.authenticate(phone.id, 'driver', phone.token)).type, 'authenticated');
    const acks: any[] = [];
    let seq = 0;
    for (const f of queue) {
      seq++;
      for (let attempt = 0; ; attempt++) {
        assert.ok(attempt < 5, `fix ${seq} was never acked`);
        sock.send({ action: 'driver_location', id: phone.id, seq, payload: { lat: f.lat, lng: f.lon, speed: 20, bearing: 0, timestamp: f.time } });
        const m = await sock.next((x) => x.seq === seq);
        if (m.type === 'ack') {
          acks.push(m);
          break;
        }
        await new Promise((r) => setTimeout(r, 30)); // RateLimited: the next slot
      }
    }
    return { acks };
  } finally {
    sock.ws.terminate();
  }
}

describe('WebSocket Tracking API: driver_location with seq, and location_batch', () => {
  for (const { name, head, dropped } of HEADS) {
    test(`driver_location: the queue drains when its head is ${name}; the ack says why it was dropped`, async () => {
      const phone = await newPhone();
      const queue = queueWith(head());
      const { acks } = await drainWs(phone, queue);
      assert.equal(acks.length, 4);
      assert.equal(acks[0].dropped?.reason, dropped ?? undefined, JSON.stringify(acks[0]));
      for (const a of acks.slice(1)) assert.equal(a.dropped, undefined);
      assert.deepEqual(
        p.stored(phone.pk).filter((r) => r.reported_time === null).map((r) => r.device_time),
        queue.slice(1).map((f) => f.time),
      );
    });

    test(`location_batch: one ack for the whole queue when its head is ${name}, the head listed by index`, async () => {
      const phone = await newPhone();
      const queue = queueWith(head());
      const sock = await TestSocket.open(p.s.wsUrl);
      try {
        await sock.authenticate(phone.id, 'driver', phone.token);
        sock.send({ action: 'location_batch', id: phone.id, seq: 1, payload: { positions: queue.map((f) => ({ lat: f.lat, lng: f.lon, speed: 20, bearing: 0, timestamp: f.time })) } });
        const ack = await sock.nextOfType('ack');
        assert.equal(ack.seq, 1);
        if (dropped) assert.deepEqual(ack.dropped.map((d: { index: number; reason: string }) => [d.index, d.reason]), [[0, dropped]]);
        else assert.equal(ack.dropped, undefined);
        assert.equal(p.stored(phone.pk).filter((r) => r.reported_time === null).length, 3);
      } finally {
        sock.ws.terminate();
      }
    });
  }
});

describe("a phone's bad clock cannot freeze the map", () => {
  test('one fix six hours ahead (a GPS glitch), then correct fixes: latest, the live map and positions/latest follow the correct ones', async () => {
    const phone = await newPhone();
    const office = await TestSocket.open(p.s.wsUrl);
    try {
      await p.s.user(p.company, `ops-${phone.id}`, 'office');
      await office.authenticate(`ops-${phone.id}`, 'office', p.s.token(p.company, `ops-${phone.id}`));
      office.send({ action: 'subscribe', entity: COMPANY_DRIVERS });
      await office.nextOfType('subscribed');
      const t0 = wholeSecond(Date.now());
      const sendFix = (f: Fix) => request('osmand-query', phone, f);
      assert.equal((await sendFix({ lat: 48.1, lon: 11.5, time: t0 - 1000 })).status, 200);
      // the glitch: a far-off position dated six hours ahead
      assert.equal((await sendFix({ lat: 48.9, lon: 12.9, time: t0 + 6 * 3600_000 })).status, 200);
      // driving at about 80 km/h
      const correct = [1, 2, 3].map((i) => ({ lat: 48.1 + i * 0.0002, lon: 11.5, time: t0 + i * 1000 }));
      for (const f of correct) assert.equal((await sendFix(f)).status, 200);

      const latest = await p.s.api('GET', '/api/v1/positions/latest', { token: p.adminToken });
      const mine = latest.body.find((x: { id: string }) => x.id === phone.id);
      assert.equal(mine.position.lat, correct[2]!.lat);
      assert.equal(mine.position.device_time, iso(correct[2]!.time));
      assert.equal(mine.position.reported_time, undefined);
      const device = await p.s.api('GET', `/api/v1/devices/${phone.id}`, { token: p.adminToken });
      assert.equal(device.body.last_position.lat, correct[2]!.lat);

      // the live map: the last update the office got is the newest correct fix
      const updates: any[] = [];
      for (;;) {
        const u = await office.next((m) => m.type === 'location_update' && m.id === phone.id, 2000).catch(() => null);
        if (!u) break;
        updates.push(u);
        if (u.payload.lat === correct[2]!.lat) break;
      }
      assert.equal(updates.at(-1).payload.lat, correct[2]!.lat, JSON.stringify(updates.map((u) => u.payload)));

      // every fix is stored; the glitch at its arrival time, its own time beside it
      const rows = p.stored(phone.pk);
      assert.equal(rows.length, 5);
      const glitch = rows.find((r) => r.reported_time !== null)!;
      assert.equal(glitch.lat, 48.9);
      assert.equal(glitch.reported_time, sec(t0 + 6 * 3600_000) * 1000);
      assert.ok(glitch.device_time >= t0 && glitch.device_time <= Date.now(), 'stored at its arrival time');
      // the subscription snapshot a newly opened console gets shows the correct fix too
      const late = await TestSocket.open(p.s.wsUrl);
      await late.authenticate(`ops-${phone.id}`, 'office', p.s.token(p.company, `ops-${phone.id}`));
      late.send({ action: 'subscribe', entity: `driver:${phone.id}` });
      assert.equal((await late.next((m) => m.type === 'location_update')).payload.lat, correct[2]!.lat);
      late.ws.terminate();
    } finally {
      office.ws.terminate();
    }
  });

  test('a phone whose clock runs two hours ahead still moves its marker, and reception says so', async () => {
    const phone = await newPhone();
    const skew = 2 * 3600_000;
    const t0 = Date.now();
    // A queue of ten fixes a second apart, sent as fast as the phone can: they keep their spacing.
    for (let i = 0; i < 10; i++) {
      assert.equal((await request('gpslogger', phone, { lat: 48.1 + i * 0.0002, lon: 11.5, time: t0 + skew + i * 1000 })).status, 200);
    }
    const rows = p.stored(phone.pk);
    assert.equal(rows.length, 10);
    assert.ok(rows.every((r) => r.flags === 2), 'clock flag only: none hidden as a jump');
    for (let i = 1; i < 10; i++) assert.equal(rows[i]!.device_time - rows[i - 1]!.device_time, 1000);
    assert.ok(Math.abs(rows[0]!.device_time - t0) < 5000, 'the first at arrival');
    const latest = p.s.ctx.positions.latest(phone.pk)!;
    assert.equal(latest.lat, rows[9]!.lat, 'the newest fix is the latest position');
    const r = await p.reception(phone.id);
    assert.equal(r.clock.state, 'ahead');
    assert.ok(Math.abs(r.clock.offset_ms - skew) < 2000, String(r.clock.offset_ms));
    // The phone's clock is set right: the next fix is on time and the state goes back to ok.
    assert.equal((await request('gpslogger', phone, { lat: 48.1022, lon: 11.5, time: Date.now() + 10_000 })).status, 200);
    assert.deepEqual((await p.reception(phone.id)).clock.state, 'ok');
  });

  test('a GPS week-rollover date (1024 weeks behind) is corrected and flagged; an old fix from a replayed queue keeps its time', async () => {
    const phone = await newPhone();
    const real = Date.now() - 3000;
    assert.equal((await request('osmand-query', phone, { lat: 48.1, lon: 11.5, time: real - GPS_ROLLOVER_MS })).status, 200);
    let rows = p.stored(phone.pk);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.device_time, sec(real - GPS_ROLLOVER_MS) * 1000 + GPS_ROLLOVER_MS);
    assert.equal(rows[0]!.reported_time, sec(real - GPS_ROLLOVER_MS) * 1000);
    const r = await p.reception(phone.id);
    assert.equal(r.clock.state, 'rollover');
    assert.ok(Math.abs(r.clock.offset_ms + GPS_ROLLOVER_MS) < 2000, 'Math.abs(r.clock.offset_ms + GPS_ROLLOVER_MS) < 2000');
    const threeHoursAgo = Date.now() - 3 * 3600_000;
    assert.equal((await request('osmand-query', phone, { lat: 48.05, lon: 11.5, time: threeHoursAgo })).status, 200);
    rows = p.stored(phone.pk);
    assert.deepEqual(
      rows.filter((x) => x.reported_time === null).map((x) => [x.device_time, x.flags]),
      [[sec(threeHoursAgo) * 1000, 0]],
    );
  });

  test('an alarm from a phone whose clock is two days ahead is placed at arrival time, its own time kept', async () => {
    const phone = await newPhone();
    const ahead = Date.now() + 2 * 86_400_000;
    assert.equal((await send('GET', `${p.osmandUrl}/?id=${phone.key}&lat=48.1&lon=11.5&timestamp=${sec(ahead)}&alarm=sos`)).status, 200);
    const alerts = await p.s.api('GET', '/api/v1/alerts', { token: p.adminToken });
    const sos = alerts.body.find((a: { device_id: string }) => a.device_id === phone.id);
    assert.ok(sos, JSON.stringify(alerts.body));
    assert.ok(Math.abs(Date.parse(sos.time) - Date.now()) < 10_000, sos.time);
  });
});

describe('reception over REST', () => {
  test('since limits the counts; bad since is 400; another company’s device is 404', async () => {
    const phone = await newPhone();
    await request('osmand-query', phone, { lat: 0, lon: 0, time: Date.now() });
    const all = await p.s.api('GET', `/api/v1/devices/${phone.id}/reception`, { token: p.adminToken });
    assert.equal(all.body.dropped_total, 1);
    const later = await p.s.api('GET', `/api/v1/devices/${phone.id}/reception?since=${iso(Date.now() + 2 * 3600_000)}`, { token: p.adminToken });
    assert.equal(later.status, 200);
    assert.equal(later.body.dropped_total, 0);
    const bad = await p.s.api('GET', `/api/v1/devices/${phone.id}/reception?since=yesterday`, { token: p.adminToken });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'BadRequest');
    const other = p.s.company('other-co');
    await p.s.user(other, 'other-admin', 'admin');
    const foreign = await p.s.api('GET', `/api/v1/devices/${phone.id}/reception`, { token: p.s.token(other, 'other-admin') });
    assert.equal(foreign.status, 404);
    const driver = await p.s.api('GET', `/api/v1/devices/${phone.id}/reception`, { token: phone.token });
    assert.equal(driver.status, 403);
  });
});
