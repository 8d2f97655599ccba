/** The GPSLogger adapter alone: its custom-URL parameters → reports in SI units. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromGpsloggerParams as fromGpsloggerParamsThrowing } from '../../main/server/ingest/gpslogger-adapter';
import { orReason } from '../support/or-reason';
import type { PhoneReport } from '../../main/server/ingest/osmand-adapter';
import { formParams } from '../../main/server/ingest/wire-values';
import { GPSLOGGER_URL_TEMPLATE } from '../../shared/protocol/gpslogger';

const fromGpsloggerParams = orReason(fromGpsloggerParamsThrowing);

const NOW = Date.UTC(2026, 0, 1);
const parse = (q: string) => fromGpsloggerParams(formParams(q), NOW);

/** The template as GPSLogger fills it in. */
const filled = (values: Record<string, string>) => {
  let url = GPSLOGGER_URL_TEMPLATE.replace('HOST', 'h').replace('PORT', '1').replace('DEVICE_KEY', 'KEY');
  for (const [k, v] of Object.entries(values)) url = url.replace(`%${k}`, encodeURIComponent(v));
  return url.slice(url.indexOf('?') + 1);
};

test('the documented template, filled as GPSLogger does: speed already m/s, time ISO UTC', () => {
  const q = filled({ LAT: '48.137154', LON: '11.576124', TIME: '2024-05-01T10:20:30.000Z', ALT: '519.5', ACC: '4.2', DIR: '181.3', SPD: '13.4', BATT: '85.0', ISCHARGING: 'true', PROV: 'gps', SAT: '9', HDOP: '0.9' });
  assert.deepEqual(parse(q), {
    deviceKey: 'KEY',
    report: {
      positions: [{ lat: 48.137154, lng: 11.576124, speed: 13.4, bearing: 181.3, accuracy: 4.2, altitude: 519.5, deviceTime: Date.UTC(2024, 4, 1, 10, 20, 30), serverTime: NOW }],
      status: { battery: 85, charging: true },
    },
  });
});

test('timestamp in epoch seconds, spd_kph, empty placeholders are absent', () => {
  const r = parse('key=K&lat=1.5&lon=2.5&timestamp=1714558830&spd_kph=36&alt=&acc=&dir=&batt=') as PhoneReport;
  assert.deepEqual(r.report.positions[0], { lat: 1.5, lng: 2.5, speed: 10, bearing: 0, accuracy: null, altitude: null, deviceTime: 1714558830000, serverTime: NOW });
  assert.equal(r.report.status, undefined);
  assert.equal((parse('id=K&lat=1&lon=2') as PhoneReport).deviceKey, 'K', 'id is accepted for key');
});

test('problems are named', () => {
  assert.match(String(parse('lat=1&lon=2')), /^key is missing/);
  assert.equal(parse('key=K&lat=%LAT&lon=2'), 'lat "%LAT" is not a number');
  assert.equal(parse('key=K&lat=1'), 'lon is missing');
  assert.match(String(parse('key=K&lat=1&lon=2&time=%TIME')), /timestamp "%TIME" is not a time/);
});
