/**
 * The OsmAnd protocol over real HTTP, on the OsmAnd port (`/`) and the main port (`/osmand`):
 * every request of Traccar's own decoder test and of the Traccar Client apps' tests, with the
 * sample's device id replaced by a real device key, and the bad inputs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KNOTS_PER_MS } from '../../shared/units';
import { droppedByReason, fields, readSample, send, startPhones, type Phones } from './phone-fixtures';

interface OsmandSample {
  id: string;
  http_method: string;
  uri: string;
  query_string: string | null;
  content_type: string | null;
  body: string | null;
}
const samples = readSample<{
  samples: OsmandSample[];
  client_side_samples: {
    traccar_client_android_ProtocolFormatterTest: { expected_urls: { url: string }[] };
    traccar_client_ios_ProtocolFormatterTests: { expected_urls: { url: string }[] };
  };
}>('osmand-requests.json');

const iso = (s: string) => Date.parse(s);
const kn = (v: number) => v / KNOTS_PER_MS;
type Expect = { lat: number; lng: number; speed: number; bearing: number; accuracy: number | null; altitude: number | null; device_time: number | 'now' };

/** What each sample must store (hand-derived from the request: knots → m/s, hdop as accuracy). */
const EXPECTED: Record<string, { status: 200; position: Expect | null; battery?: number } | { status: 400; message: RegExp }> = {
  'osmand-01': { status: 200, position: { lat: 37.4219983, lng: -122.084, speed: 0, bearing: 0, accuracy: 5, altitude: 5, device_time: iso('2025-06-15T13:45:12.862Z') }, battery: 100 },
  'osmand-02': { status: 200, position: { lat: 37.4219983, lng: -122.084, speed: 0, bearing: 0, accuracy: 5, altitude: 5, device_time: iso('2025-06-15T13:45:12.862Z') }, battery: 100 },
  'osmand-03': { status: 200, position: { lat: 37.785834, lng: -122.406417, speed: 0, bearing: 0, accuracy: 5, altitude: 0, device_time: iso('2025-05-09T04:11:30.579Z') } },
  'osmand-04': { status: 200, position: { lat: -6.1148096, lng: 106.6837015, speed: 18.67, bearing: 63, accuracy: 3.8, altitude: 35.7, device_time: iso('2021-07-21T08:06:34.444Z') }, battery: 79 },
  'osmand-05': { status: 200, position: null },
  'osmand-06': { status: 400, message: /^id is missing/ },
  'osmand-07': { status: 200, position: { lat: 42.06288, lng: -88.23412, speed: 0, bearing: 0, accuracy: 6, altitude: 224, device_time: iso('2016-01-27T18:55:47Z') } },
  'osmand-08': { status: 200, position: { lat: 42.06288, lng: -88.23412, speed: 0, bearing: 0, accuracy: 6, altitude: 224, device_time: 1442068686579 } },
  'osmand-09': { status: 200, position: { lat: 49.60688, lng: 6.15788, speed: 0, bearing: 0, accuracy: null, altitude: 384.7, device_time: iso('2014-06-04T09:10:11Z') } },
  'osmand-10': { status: 200, position: { lat: 60, lng: 30, speed: 0, bearing: 0, accuracy: 0, altitude: 0, device_time: 1377177267000 } },
  'osmand-11': { status: 200, position: { lat: 60, lng: 30, speed: 0, bearing: 0, accuracy: null, altitude: null, device_time: 1377177267000 } },
  'osmand-12': { status: 200, position: { lat: 60, lng: 30, speed: 0, bearing: 0, accuracy: null, altitude: 0, device_time: 'now' } },
  'osmand-13': { status: 200, position: { lat: 41.666667, lng: -0.883333, speed: 0, bearing: 0, accuracy: null, altitude: 350.059479, device_time: 'now' }, battery: 87 },
  'osmand-14': { status: 200, position: { lat: 60, lng: 30, speed: 0, bearing: 0, accuracy: null, altitude: null, device_time: 1377177267000 } },
  'osmand-15': { status: 200, position: { lat: 40.7232948571, lng: -74.0061408571, speed: kn(40), bearing: 7.19889788244, accuracy: null, altitude: null, device_time: 1504763810000 } },
};

/** The sample with its device id replaced by a real key (no id stays no id). */
function withKey(sample: OsmandSample, key: string): { query: string; body: string | null } {
  const query = (sample.query_string ?? '').replace(/(^|&)(id|deviceid)=[^&]*/, `$1$2=${key}`);
  const body = sample.body === null ? null : JSON.stringify({ ...(JSON.parse(sample.body) as object), device_id: key });
  return { query, body };
}

let p: Phones;
before(async () => {
  p = await startPhones();
});
after(() => p.s.stop());

describe('every request of OsmAndProtocolDecoderTest', () => {
  assert.equal(samples.samples.length, 15);
  for (const sample of samples.samples) {
    for (const port of ['osmand port /', 'main port /osmand'] as const) {
      test(`${sample.id} (${sample.http_method}) on the ${port}`, async () => {
        const d = await p.driver();
        const { query, body } = withKey(sample, d.key);
        const base = port === 'osmand port /' ? `${p.osmandUrl}/` : `${p.s.url}/osmand`;
        const before = Date.now();
        const res = await send(sample.http_method, query ? `${base}?${query}` : base, body === null ? {} : { body, contentType: sample.content_type });
        const after = Date.now();
        const expected = EXPECTED[sample.id]!;
        assert.equal(res.status, expected.status, res.text);
        if (expected.status === 400) {
          assert.equal(res.body.error, 'BadRequest');
          assert.match(res.body.message, expected.message);
          return;
        }
        assert.equal(res.text, '', 'Traccar answers 200 with an empty body');
        const rows = p.stored(d.pk);
        if (!expected.position) return assert.equal(rows.length, 0);
        assert.equal(rows.length, 1);
        const got = fields(rows[0]!);
        const want = expected.position;
        if (want.device_time === 'now') {
          assert.ok(got.device_time >= before && got.device_time <= after, 'no timestamp: the arrival time');
          got.device_time = 0;
        }
        assert.deepEqual(got, { ...want, device_time: want.device_time === 'now' ? 0 : want.device_time, source: 'osmand' });
        if (expected.battery !== undefined) assert.equal(p.s.ctx.deviceStatus.get(d.pk)?.battery, expected.battery);
      });
    }
  }
});

describe('the Traccar Client apps’ own test URLs (POST, no body)', () => {
  const urls = [
    ...samples.client_side_samples.traccar_client_android_ProtocolFormatterTest.expected_urls,
    ...samples.client_side_samples.traccar_client_ios_ProtocolFormatterTests.expected_urls,
  ].map((u) => u.url);
  assert.equal(urls.length, 4);
  for (const url of urls) {
    test(url, async () => {
      const d = await p.driver();
      const u = new URL(url);
      u.searchParams.set('id', d.key);
      // The server URL the user typed: bare host:port → the OsmAnd port; a path → ours, /osmand.
      const target = u.pathname === '/' ? `${p.osmandUrl}/${u.search}` : `${p.s.url}/osmand${u.search}`;
      const res = await send('POST', target);
      // Their fixtures are at 0,0 (and iOS's at epoch 0): not positions. Answered as delivered
      // (the app deletes it from its queue and sends the next), dropped and counted.
      assert.equal(res.status, 200, res.text);
      assert.equal(res.text, '');
      assert.equal(p.stored(d.pk).length, 0);
      assert.deepEqual(droppedByReason(await p.reception(d.id)), { zero_position: 1 });
      // the same request from a real place is stored, with the alarm text of the alarm test ignored
      u.searchParams.set('lat', '52.52');
      u.searchParams.set('lon', '13.405');
      u.searchParams.set('timestamp', '1700000000');
      const ok = await send('POST', `${p.osmandUrl}/${u.search}`);
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(p.stored(d.pk).map((r) => [r.lat, r.lng, r.device_time]), [[52.52, 13.405, 1700000000000]]);
    });
  }
});

describe('current Traccar Client and OsmAnd request forms', () => {
  test('form body (application/x-www-form-urlencoded) with knots, battery and charge', async () => {
    const d = await p.driver();
    const body = `id=${d.key}&lat=48.8566&lon=2.3522&timestamp=1700000100&accuracy=4.5&altitude=35&speed=19.44&bearing=271&batt=64&charge=true`;
    const res = await send('POST', `${p.osmandUrl}/`, { body });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(fields(p.stored(d.pk)[0]!), { lat: 48.8566, lng: 2.3522, speed: kn(19.44), bearing: 271, accuracy: 4.5, altitude: 35, device_time: 1700000100000, source: 'osmand' });
    const device = await p.s.api('GET', `/api/v1/devices/${d.id}`, { token: p.adminToken });
    assert.equal(device.body.status.battery, 64);
    assert.equal(device.body.status.charging, true);
    assert.equal(device.body.status.source, 'osmand');
  });

  test('a form body with no Content-Type, and a GET with the parameters in the query', async () => {
    const d = await p.driver();
    assert.equal((await send('POST', `${p.s.url}/osmand`, { body: `id=${d.key}&lat=1.5&lon=2.5&timestamp=1700000000`, contentType: null })).status, 200);
    assert.equal((await send('GET', `${p.s.url}/osmand?id=${d.key}&lat=1.6&lon=2.5&timestamp=1700000001`)).status, 200);
    assert.deepEqual(p.stored(d.pk).map((r) => r.lat), [1.5, 1.6]);
  });

  test('push-token upload (id and notificationToken only): 200, nothing stored', async () => {
    const d = await p.driver();
    const res = await send('POST', `${p.osmandUrl}/`, { body: `id=${encodeURIComponent(d.key)}&notificationToken=abc123` });
    assert.equal(res.status, 200);
    assert.equal(p.stored(d.pk).length, 0);
  });

  test('JSON mode: a JSON array of flat objects (speed in knots)', async () => {
    const d = await p.driver();
    const body = JSON.stringify([
      { id: d.key, lat: 50.1, lon: 8.6, timestamp: 1700000200, speed: 10, bearing: 90, accuracy: 3, altitude: 100, batt: 55, charge: false },
      { id: d.key, lat: 50.101, lon: 8.6, timestamp: 1700000210, speed: 12, bearing: 91, accuracy: 3, altitude: 101, batt: 54, charge: false },
    ]);
    const res = await send('POST', `${p.osmandUrl}/`, { body, contentType: 'application/json' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(p.stored(d.pk).map((r) => [r.lat, r.speed, r.device_time]), [[50.1, kn(10), 1700000200000], [50.101, kn(12), 1700000210000]]);
    assert.equal(p.s.ctx.deviceStatus.get(d.pk)?.battery, 54);
  });

  test('OsmAnd live monitoring (its default template with id added; timestamp in ms)', async () => {
    const d = await p.driver();
    const res = await send('GET', `${p.osmandUrl}/?id=${d.key}&lat=45.5&lon=-73.56&timestamp=1700000300123&hdop=7.5&altitude=30.2&speed=3.1`);
    assert.equal(res.status, 200);
    assert.deepEqual(fields(p.stored(d.pk)[0]!), { lat: 45.5, lng: -73.56, speed: kn(3.1), bearing: 0, accuracy: 7.5, altitude: 30.2, device_time: 1700000300123, source: 'osmand' });
  });

  test('a repeated request is a duplicate: 200 again, stored once', async () => {
    const d = await p.driver();
    const url = `${p.osmandUrl}/?id=${d.key}&lat=10&lon=10&timestamp=1700000000`;
    assert.equal((await send('POST', url)).status, 200);
    assert.equal((await send('POST', url)).status, 200);
    assert.equal(p.stored(d.pk).length, 1);
  });

  test('valid=false: not stored, 200, the battery still recorded', async () => {
    const d = await p.driver();
    const res = await send('GET', `${p.osmandUrl}/?id=${d.key}&lat=10&lon=10&timestamp=1700000000&valid=false&batt=33`);
    assert.equal(res.status, 200);
    assert.equal(p.stored(d.pk).length, 0);
    assert.equal(p.s.ctx.deviceStatus.get(d.pk)?.battery, 33);
  });
});

describe('bad input', () => {
  const bad = async (url: string, message: string | RegExp, init: Parameters<typeof send>[2] = {}, status = 400, error = 'BadRequest') => {
    const res = await send(init.body === undefined ? 'GET' : 'POST', url, init);
    assert.equal(res.status, status, res.text);
    assert.equal(res.body.error, error);
    if (typeof message === 'string') assert.equal(res.body.message, message);
    else assert.match(res.body.message, message);
  };

  test('requests that cannot be read: missing id, NaN lat, an unreadable timestamp, garbage', async () => {
    const d = await p.driver();
    const u = `${p.osmandUrl}/?id=${d.key}`;
    await bad(`${p.osmandUrl}/?lat=1&lon=2`, 'id is missing: send id=DEVICE_KEY (or deviceid=DEVICE_KEY)');
    await bad(`${u}&lat=NaN&lon=2`, 'lat "NaN" is not a number');
    await bad(`${u}&lat=1&lon=2&timestamp=tomorrow`, /timestamp "tomorrow" is not a time/);
    await bad(`${p.osmandUrl}/`, /^id is missing/, { body: '\u0000\u00ff%%%garbage&&==' });
    await bad(`${p.osmandUrl}/`, 'the body is not valid JSON', { body: '{"location":', contentType: 'application/json' });
    await bad(`${p.osmandUrl}/`, 'the body is not valid JSON', { body: '{"location":', contentType: null });
    await bad(`${p.osmandUrl}/`, 'location.coords.latitude is missing or not a number', { body: JSON.stringify({ device_id: d.key, location: { coords: { latitude: 'x', longitude: 1 } } }), contentType: 'application/json' });
    assert.equal(p.stored(d.pk).length, 0);
  });

  test('fixes that can never be stored (out of range, 0,0, before 2000, not valid): 200, dropped and counted by reason', async () => {
    const d = await p.driver();
    const u = `${p.osmandUrl}/?id=${d.key}`;
    for (const q of ['&lat=91&lon=2', '&lat=1&lon=-180.5', '&lat=0&lon=0', '&lat=1&lon=2&timestamp=900000000', '&lat=1&lon=2&valid=false', '&lat=1&lon=2&speed=-5']) {
      const res = await send('GET', u + q);
      assert.equal(res.status, 200, `${q}: ${res.text}`);
      assert.equal(res.text, '');
    }
    assert.equal(p.stored(d.pk).length, 0);
    const r = await p.reception(d.id);
    assert.deepEqual(droppedByReason(r), { out_of_range: 2, zero_position: 1, bad_time: 1, no_gps_fix: 1, impossible_speed: 1 });
    assert.match(r.dropped.find((x) => x.reason === 'bad_time')!.last_message, /1998-07-09, before the year 2000/);
    assert.ok(r.dropped.every((x) => x.last_source === 'osmand'), 'r.dropped.every((x) => x.last_source === \'osmand\')');
  });

  test('a huge body: 413', async () => {
    const d = await p.driver();
    await bad(`${p.osmandUrl}/`, /too large/i, { body: `id=${d.key}&pad=${'x'.repeat(300 * 1024)}` }, 413, 'PayloadTooLarge');
  });

  test('unknown key: 404 with resolveDevice’s message, listed nowhere (it belongs to no company)', async () => {
    await bad(`${p.osmandUrl}/?id=never-seen-phone-42&lat=48.1&lon=11.5`, /^unknown device "never-seen-phone-42"/, {}, 404, 'NotFound');
    const list = await p.s.api('GET', '/api/v1/unknown-devices', { token: p.adminToken });
    assert.equal(list.status, 200);
    assert.equal(list.body.find((u: { identifier: string }) => u.identifier === 'never-seen-phone-42'), undefined);
  });

  test('disabled driver: 401', async () => {
    const d = await p.driver();
    assert.equal((await p.s.api('PATCH', `/api/v1/users/${d.id}`, { token: p.adminToken, body: { disabled: true } })).status, 200);
    await bad(`${p.osmandUrl}/?id=${d.key}&lat=1&lon=2`, /is disabled/, {}, 401, 'Unauthorized');
    assert.equal(p.stored(d.pk).length, 0);
  });

  test('rotated key: the old key is answered "replaced" (401) at once, the new one works', async () => {
    const d = await p.driver();
    assert.equal((await send('GET', `${p.osmandUrl}/?id=${d.key}&lat=1&lon=2&timestamp=1700000000`)).status, 200);
    const rotated = await p.s.api('POST', `/api/v1/devices/${d.id}/key/rotate`, { token: p.adminToken });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.notEqual(rotated.body.device_key, d.key);
    await bad(`${p.osmandUrl}/?id=${d.key}&lat=1&lon=2&timestamp=1700000001`, /^this device key was replaced in FleetDesk/, {}, 401, 'Unauthorized');
    assert.equal((await send('GET', `${p.osmandUrl}/?id=${rotated.body.device_key}&lat=1&lon=2&timestamp=1700000002`)).status, 200);
    assert.deepEqual(p.stored(d.pk).map((r) => r.device_time), [1700000000000, 1700000002000]);
  });

  test('other paths on the OsmAnd port are not the protocol', async () => {
    const res = await send('GET', `${p.osmandUrl}/api/v1/health`);
    assert.equal(res.status, 404);
  });
});

describe('alarms and status', () => {
  test('alarm=sos creates an SOS alert at the fix', async () => {
    const d = await p.driver();
    const res = await send('POST', `${p.osmandUrl}/?id=${d.key}&lat=52.5&lon=13.4&timestamp=1700000500&alarm=sos`);
    assert.equal(res.status, 200);
    const alerts = await p.s.api('GET', '/api/v1/alerts', { token: p.adminToken });
    const mine = alerts.body.filter((a: { device_id: string }) => a.device_id === d.id);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].kind, 'sos');
    assert.equal(mine[0].time, '2023-11-14T22:21:40.000Z');
    assert.equal(mine[0].lat, 52.5);
    assert.equal(mine[0].lng, 13.4);
    assert.equal(mine[0].source, 'osmand');
  });

  test('alarm=accident is a crash; a Traccar Client JSON body with no coords updates the battery only', async () => {
    const d = await p.driver();
    assert.equal((await send('GET', `${p.osmandUrl}/?id=${d.key}&lat=52.5&lon=13.4&timestamp=1700000600&alarm=accident`)).status, 200);
    const alerts = await p.s.api('GET', '/api/v1/alerts', { token: p.adminToken });
    assert.equal(alerts.body.find((a: { device_id: string }) => a.device_id === d.id)?.kind, 'crash');
    const res = await send('POST', `${p.s.url}/osmand`, { body: JSON.stringify({ device_id: d.key, location: { battery: { level: 0.42, is_charging: true } } }), contentType: 'application/json' });
    assert.equal(res.status, 200);
    const device = await p.s.api('GET', `/api/v1/devices/${d.id}`, { token: p.adminToken });
    assert.equal(device.body.status.battery, 42);
    assert.equal(device.body.status.charging, true);
  });

  test('other routes keep their own body parsing', async () => {
    const res = await p.s.api('POST', '/api/v1/auth/login', { body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 415);
  });
});

const traccarJson = readSample<{ samples: { id: string; from_osmand_sample: string | null; http: { method: string; headers: Record<string, string> }; body: string }[] }>('traccar-client-json.json');
/** tc-05 is tc-04's body without a Content-Type; tc-06 an older tc-02. */
const TC_EXPECTED: Record<string, string> = { 'tc-01': 'osmand-01', 'tc-02': 'osmand-02', 'tc-03': 'osmand-03', 'tc-04': 'osmand-04', 'tc-05': 'osmand-04', 'tc-06': 'osmand-02' };

describe('every Traccar Client JSON body (traccar-client-json.json)', () => {
  assert.equal(traccarJson.samples.length, 6);
  for (const sample of traccarJson.samples) {
    test(`${sample.id}${sample.http.headers['Content-Type'] ? '' : ' (no Content-Type)'}`, async () => {
      const d = await p.driver();
      const body = JSON.stringify({ ...(JSON.parse(sample.body) as object), device_id: d.key });
      const res = await send(sample.http.method, `${p.osmandUrl}/`, { body, contentType: sample.http.headers['Content-Type'] ?? null });
      assert.equal(res.status, 200, res.text);
      const expected = EXPECTED[TC_EXPECTED[sample.id]!] as { position: Expect; battery?: number };
      assert.deepEqual(p.stored(d.pk).map(fields), [{ ...expected.position, source: 'osmand' }]);
      assert.equal(p.s.ctx.deviceStatus.get(d.pk)?.battery ?? null, expected.battery ?? null);
    });
  }

  test('`location` as an array: every fix stored', async () => {
    const d = await p.driver();
    const first = JSON.parse(traccarJson.samples[3]!.body) as { location: { timestamp: string } };
    const second = { ...first.location, timestamp: '2021-07-21T08:06:44.444Z' };
    const res = await send('POST', `${p.s.url}/osmand`, { body: JSON.stringify({ device_id: d.key, location: [first.location, second] }), contentType: 'application/json' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(p.stored(d.pk).map((r) => r.device_time), [iso('2021-07-21T08:06:34.444Z'), iso('2021-07-21T08:06:44.444Z')]);
  });

  test('an unknown device_id: 404', async () => {
    const res = await send('POST', `${p.osmandUrl}/`, { body: traccarJson.samples[0]!.body, contentType: 'application/json' });
    assert.equal(res.status, 404);
    assert.match(res.body.message, /^unknown device "48241179"/);
  });
});

describe('storage failure', () => {
  // Last: closes the writer for good.
  test('503 so the app keeps the fix and retries', async () => {
    const d = await p.driver();
    p.s.ctx.writer.close();
    const res = await send('GET', `${p.osmandUrl}/?id=${d.key}&lat=1&lon=2&timestamp=1700000000`);
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { error: 'InternalError', message: 'the position could not be stored; retry' });
  });
});
