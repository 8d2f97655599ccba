/** GPSLogger's custom URL over real HTTP: the documented template filled as the app fills it, GET and POST. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GPSLOGGER_URL_TEMPLATE } from '../../shared/protocol/gpslogger';
import { droppedByReason, fields, send, startPhones, type Phones } from './phone-fixtures';

let p: Phones;
before(async () => {
  p = await startPhones();
});
after(() => p.s.stop());

const VALUES = { LAT: '48.137154', LON: '11.576124', TIME: '2024-05-01T10:20:30.000Z', ALT: '519.5', ACC: '4.2', DIR: '181.3', SPD: '13.4', BATT: '85.0', ISCHARGING: 'true', PROV: 'gps', SAT: '9', HDOP: '0.9' };
const STORED = { lat: 48.137154, lng: 11.576124, speed: 13.4, bearing: 181.3, accuracy: 4.2, altitude: 519.5, device_time: Date.UTC(2024, 4, 1, 10, 20, 30), source: 'gpslogger' };

/** The template with this server's host and port and a device key, placeholders filled in. */
function url(key: string, values: Record<string, string> = VALUES): string {
  const u = new URL(p.s.url);
  let out = GPSLOGGER_URL_TEMPLATE.replace('HOST', u.hostname).replace('PORT', u.port).replace('DEVICE_KEY', key);
  for (const [k, v] of Object.entries(values)) out = out.replace(`%${k}`, encodeURIComponent(v));
  return out;
}

describe('the documented template', () => {
  test('GET (GPSLogger’s default): stored with speed in m/s and the ISO time; battery and charging in the status', async () => {
    const d = await p.driver();
    const res = await send('GET', url(d.key));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '');
    assert.deepEqual(p.stored(d.pk).map(fields), [STORED]);
    const device = await p.s.api('GET', `/api/v1/devices/${d.id}`, { token: p.adminToken });
    assert.equal(device.body.status.battery, 85);
    assert.equal(device.body.status.charging, true);
    assert.equal(device.body.status.source, 'gpslogger');
  });

  test('POST with the parameters in a body without Content-Type (as GPSLogger sends it), key in the query', async () => {
    const d = await p.driver();
    const full = new URL(url(d.key));
    const body = full.search.slice(1).replace(/(^|&)key=[^&]*/, '');
    const res = await send('POST', `${p.s.url}/gpslogger?key=${d.key}`, { body, contentType: null });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(p.stored(d.pk).map(fields), [STORED]);
  });

  test('POST form body with Content-Type, %TIMESTAMP instead of %TIME, a JSON body template', async () => {
    const d = await p.driver();
    const a = await send('POST', `${p.s.url}/gpslogger`, { body: `key=${d.key}&lat=50.1&lon=8.6&timestamp=1714558830&spd=2.5&dir=90` });
    assert.equal(a.status, 200, a.text);
    const b = await send('POST', `${p.s.url}/gpslogger`, { body: JSON.stringify({ key: d.key, lat: 50.2, lon: 8.6, time: '2024-05-01T10:20:40Z', spd: 3 }), contentType: 'application/json' });
    assert.equal(b.status, 200, b.text);
    assert.deepEqual(p.stored(d.pk).map((r) => [r.lat, r.speed, r.bearing, r.device_time]), [[50.1, 2.5, 90, 1714558830000], [50.2, 3, 0, 1714558840000]]);
  });

  test('placeholders GPSLogger leaves empty are absent; a replayed point is a duplicate (200)', async () => {
    const d = await p.driver();
    const u = url(d.key, { ...VALUES, ALT: '', ACC: '', DIR: '', SPD: '', BATT: '', ISCHARGING: '' });
    assert.equal((await send('GET', u)).status, 200);
    assert.equal((await send('GET', u)).status, 200);
    assert.deepEqual(p.stored(d.pk).map(fields), [{ ...STORED, speed: 0, bearing: 0, accuracy: null, altitude: null }]);
  });
});

describe('bad input', () => {
  test('missing key, a placeholder left unfilled, NaN, huge body: 400/413; 0,0 dropped with 200, a clock ahead stored at arrival', async () => {
    const d = await p.driver();
    const bad = async (u: string, status: number, message: RegExp, init: Parameters<typeof send>[2] = {}) => {
      const res = await send(init.body === undefined ? 'GET' : 'POST', u, init);
      assert.equal(res.status, status, res.text);
      assert.match(res.body.message, message);
      return res;
    };
    await bad(`${p.s.url}/gpslogger?lat=1&lon=2`, 400, /^key is missing/);
    await bad(`${p.s.url}/gpslogger?key=${d.key}&lat=%LAT&lon=2`, 400, /^lat "%LAT" is not a number$/);
    await bad(`${p.s.url}/gpslogger?key=${d.key}&lat=NaN&lon=2`, 400, /^lat "NaN" is not a number$/);
    await bad(`${p.s.url}/gpslogger`, 400, /the body is not valid JSON/, { body: '{"key":', contentType: null });
    await bad(`${p.s.url}/gpslogger?key=${d.key}`, 413, /too large/i, { body: `lat=1&lon=2&x=${'y'.repeat(300 * 1024)}` });
    assert.equal(p.stored(d.pk).length, 0);
    // A fix that can never be stored is answered as delivered, so GPSLogger's queue moves on.
    const zero = await send('GET', `${p.s.url}/gpslogger?key=${d.key}&lat=0&lon=0`);
    assert.equal(zero.status, 200, zero.text);
    assert.equal(p.stored(d.pk).length, 0);
    assert.deepEqual(droppedByReason(await p.reception(d.id)), { zero_position: 1 });
    const ahead = Date.now() + 3 * 86400e3;
    const before = Date.now();
    const future = await send('GET', `${p.s.url}/gpslogger?key=${d.key}&lat=1&lon=2&time=${new Date(ahead).toISOString()}`);
    assert.equal(future.status, 200, future.text);
    const [row] = p.stored(d.pk);
    assert.ok(row && row.device_time >= before && row.device_time <= Date.now(), 'stored at arrival time');
    assert.equal(row.reported_time, ahead, "the phone's own time is kept beside it");
  });

  test('unknown key 404 (listed nowhere), disabled driver 401', async () => {
    const res = await send('GET', `${p.s.url}/gpslogger?key=gpslogger-unknown-1&lat=1&lon=2`);
    assert.equal(res.status, 404);
    const list = await p.s.api('GET', '/api/v1/unknown-devices', { token: p.adminToken });
    assert.equal(list.body.find((u: { identifier: string }) => u.identifier === 'gpslogger-unknown-1'), undefined);
    const d = await p.driver();
    await p.s.api('PATCH', `/api/v1/users/${d.id}`, { token: p.adminToken, body: { disabled: true } });
    const off = await send('GET', url(d.key));
    assert.equal(off.status, 401);
    assert.equal(off.body.error, 'Unauthorized');
  });
});
