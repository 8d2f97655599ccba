/**
 * One real drive (barefoot's Munich trace, 80 fixes 15 s apart) sent through every adapter
 * into separate drivers: what is stored must be the same fix whichever protocol brought it.
 * Latitude, longitude and device time are identical; speed and bearing agree within what each
 * wire format can carry:
 *
 * | adapter                     | speed on the wire          | speed tolerance      | bearing on the wire | tolerance |
 * |-----------------------------|----------------------------|----------------------|---------------------|-----------|
 * | Tracking API (location_batch)| km/h, full double         | 1e-9 m/s (float)     | 0.1°                | 0.05°     |
 * | OsmAnd query                | knots, 2 decimals (Traccar Client SDK) | 0.005 kn = 0.0026 m/s | 0.1° | 0.05° |
 * | Traccar Client JSON         | m/s, full double           | 1e-9 m/s             | 0.1°                | 0.05°     |
 * | OwnTracks                   | km/h, integer (`vel`)      | 0.5 km/h = 0.139 m/s | integer (`cog`)     | 0.5°      |
 * | GPSLogger                   | m/s, full double (%SPD)    | 1e-9 m/s             | 0.1°                | 0.05°     |
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bearingDeg, distanceM } from '../../shared/geo';
import { KNOTS_PER_MS, round } from '../../shared/units';
import { TestSocket } from '../support/ws-client';
import { readSample, send, startPhones, type Phones } from './phone-fixtures';

interface Fix {
  lat: number;
  lng: number;
  t: number;
  /** m/s, from the previous fix (the first: to the next) */
  speed: number;
  bearing: number;
}

/** WKT `POINT(lon lat)` and `yyyy-MM-dd HH:mm:ss+hhmm`, then speed and bearing between fixes. */
function loadTrace(): Fix[] {
  const raw = readSample<{ point: string; time: string }[]>('traces/barefoot-munich-x0001-015.json');
  const pts = raw.map((r) => {
    const m = /^POINT\(([-\d.]+) ([-\d.]+)\)$/.exec(r.point);
    assert.ok(m, r.point);
    const time = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})([+-]\d{2})(\d{2})$/.exec(r.time);
    assert.ok(time, r.time);
    return { lng: Number(m[1]), lat: Number(m[2]), t: Date.parse(`${time[1]}T${time[2]}${time[3]}:${time[4]}`) };
  });
  return pts.map((p, i) => {
    const [a, b] = i === 0 ? [p, pts[1]!] : [pts[i - 1]!, p];
    const d = distanceM(a, b);
    return { ...p, speed: d / ((b.t - a.t) / 1000), bearing: d === 0 ? 0 : round(bearingDeg(a, b), 1) % 360 };
  });
}

const trace = loadTrace();
let p: Phones;
before(async () => {
  p = await startPhones();
});
after(() => p.s.stop());

const TOLERANCE: Record<string, { speed: number; bearing: number }> = {
  ws: { speed: 1e-9, bearing: 1e-9 },
  osmand: { speed: 0.005 / KNOTS_PER_MS + 1e-12, bearing: 1e-9 },
  'traccar-json': { speed: 1e-9, bearing: 1e-9 },
  owntracks: { speed: 0.5 / 3.6 + 1e-12, bearing: 0.5 },
  gpslogger: { speed: 1e-9, bearing: 1e-9 },
};

const SENDERS: Record<string, (d: { id: string; key: string }) => Promise<void>> = {
  ws: async (d) => {
    const sock = await TestSocket.open(p.s.wsUrl);
    try {
      assert.equal((await sock.authenticate(d.id, 'driver', p.s.token(p.company, d.id))).type, 'authenticated');
      const positions = trace.map((f) => ({ lat: f.lat, lng: f.lng, speed: f.speed * 3.6, bearing: f.bearing, timestamp: f.t }));
      // location_batch: replayed fixes with their device times, exempt from the 1/s live limit
      sock.send({ action: 'location_batch', id: d.id, seq: 1, payload: { positions } });
      assert.deepEqual(await sock.next((m) => m.type === 'ack' || m.type === 'error'), { type: 'ack', seq: 1 });
    } finally {
      sock.ws.terminate();
    }
  },
  osmand: async (d) => {
    for (const f of trace) {
      const q = `id=${d.key}&lat=${f.lat}&lon=${f.lng}&timestamp=${f.t / 1000}&speed=${(f.speed * KNOTS_PER_MS).toFixed(2)}&bearing=${f.bearing}`;
      const res = await send('POST', `${p.osmandUrl}/?${q}`);
      assert.equal(res.status, 200, res.text);
    }
  },
  'traccar-json': async (d) => {
    for (const f of trace) {
      const body = { device_id: d.key, location: { timestamp: new Date(f.t).toISOString(), coords: { latitude: f.lat, longitude: f.lng, speed: f.speed, heading: f.bearing, accuracy: 5, altitude: 520 }, is_moving: f.speed > 0 } };
      const res = await send('POST', `${p.osmandUrl}/`, { body: JSON.stringify(body), contentType: 'application/json' });
      assert.equal(res.status, 200, res.text);
    }
  },
  owntracks: async (d) => {
    const auth = `Basic ${Buffer.from(`${d.id}:${d.key}`).toString('base64')}`;
    for (const f of trace) {
      // OwnTracks omits zero values and sends vel and cog as integers
      const vel = Math.round(f.speed * 3.6);
      const cog = Math.round(f.bearing) % 360;
      const msg = { _type: 'location', tid: 'ab', lat: f.lat, lon: f.lng, tst: f.t / 1000, ...(vel ? { vel } : {}), ...(cog ? { cog } : {}), acc: 5, t: 't' };
      const res = await send('POST', `${p.s.url}/owntracks`, { body: JSON.stringify(msg), contentType: 'application/json', headers: { authorization: auth } });
      assert.equal(res.status, 200, res.text);
    }
  },
  gpslogger: async (d) => {
    for (const f of trace) {
      const q = `key=${d.key}&lat=${f.lat}&lon=${f.lng}&time=${encodeURIComponent(new Date(f.t).toISOString())}&spd=${f.speed}&dir=${f.bearing}&acc=5`;
      const res = await send('GET', `${p.s.url}/gpslogger?${q}`);
      assert.equal(res.status, 200, res.text);
    }
  },
};

test('the trace: 80 fixes over 20 minutes, speeds derived between fixes', () => {
  assert.equal(trace.length, 80);
  assert.equal(trace[0]!.t, Date.parse('2014-09-10T04:54:07Z'));
  assert.ok(trace.some((f) => f.speed > 10) && trace.some((f) => f.speed === 0), 'trace.some((f) => f.speed > 10) && trace.some((f) => f.speed === 0)');
});

test('every adapter stores the same drive', async () => {
  const stored: Record<string, ReturnType<Phones['stored']>> = {};
  for (const [name, sender] of Object.entries(SENDERS)) {
    const d = await p.driver(`replay-${name}`);
    await sender(d);
    stored[name] = p.stored(d.pk);
    assert.equal(stored[name].length, trace.length, `${name}: every fix stored`);
  }
  for (const [name, rows] of Object.entries(stored)) {
    const tol = TOLERANCE[name]!;
    assert.deepEqual(rows.map((r) => [r.lat, r.lng, r.device_time]), trace.map((f) => [f.lat, f.lng, f.t]), `${name}: lat, lng, device time exactly`);
    for (const [i, r] of rows.entries()) {
      const f = trace[i]!;
      assert.ok(Math.abs(r.speed - f.speed) <= tol.speed, `${name} fix ${i}: speed ${r.speed} vs ${f.speed}`);
      const db = Math.abs(r.bearing - f.bearing);
      assert.ok(Math.min(db, 360 - db) <= tol.bearing, `${name} fix ${i}: bearing ${r.bearing} vs ${f.bearing}`);
    }
  }
  // and against each other: the two full-precision m/s formats agree to the bit
  assert.deepEqual(stored['traccar-json']!.map((r) => r.speed), stored.gpslogger!.map((r) => r.speed));
});
