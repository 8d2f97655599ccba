/** The OsmAnd adapter alone: wire parameters and Traccar Client JSON → reports in SI units. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alarmKind, fromOsmandParams as fromOsmandParamsThrowing, fromTraccarJson as fromTraccarJsonThrowing, parseOsmandTime as parseOsmandTimeThrowing, type PhoneReport } from '../../main/server/ingest/osmand-adapter';
import { orReason } from '../support/or-reason';
import { formParams } from '../../main/server/ingest/wire-values';
import { KNOTS_PER_MS } from '../../shared/units';

const fromOsmandParams = orReason(fromOsmandParamsThrowing);
const fromTraccarJson = orReason(fromTraccarJsonThrowing);
const parseOsmandTime = orReason(parseOsmandTimeThrowing);

const NOW = Date.UTC(2026, 0, 1);
const parse = (query: string): PhoneReport => {
  const r = fromOsmandParams(formParams(query), NOW);
  assert.equal(typeof r, 'object', String(r));
  return r as PhoneReport;
};
const problem = (query: string): string => {
  const r = fromOsmandParams(formParams(query), NOW);
  assert.equal(typeof r, 'string');
  return r as string;
};

test('timestamps: epoch seconds, milliseconds from 2^31, ISO-8601 and "yyyy-MM-dd HH:mm:ss" as UTC', () => {
  assert.equal(parseOsmandTime('1377177267'), 1377177267000);
  assert.equal(parseOsmandTime('1442068686579'), 1442068686579);
  assert.equal(parseOsmandTime(String(2 ** 31)), 2 ** 31, 'from 2^31 the value is milliseconds, as Traccar decides');
  assert.equal(parseOsmandTime(String(2 ** 31 - 1)), (2 ** 31 - 1) * 1000);
  assert.equal(parseOsmandTime('2016-01-27T18:55:47Z'), Date.UTC(2016, 0, 27, 18, 55, 47));
  assert.equal(parseOsmandTime('2014-06-04 09:10:11'), Date.UTC(2014, 5, 4, 9, 10, 11));
  assert.match(String(parseOsmandTime('yesterday')), /not a time/);
});

test('a full query: speed in knots → m/s, bearing, altitude, accuracy, battery and charge', () => {
  const { deviceKey, report } = parse('id=abc&timestamp=1504763810&lat=40.7232948571&lon=-74.0061408571&bearing=367.5&speed=40&altitude=12.5&accuracy=8&batt=87&charge=true');
  assert.equal(deviceKey, 'abc');
  assert.deepEqual(report.positions, [
    { lat: 40.7232948571, lng: -74.0061408571, speed: 40 / KNOTS_PER_MS, bearing: 7.5, accuracy: 8, altitude: 12.5, deviceTime: 1504763810000, serverTime: NOW },
  ]);
  assert.ok(Math.abs(report.positions[0]!.speed - 20.5778) < 1e-4, '40 kn ≈ 20.58 m/s');
  assert.deepEqual(report.status, { battery: 87, charging: true });
  assert.equal(report.alarm, undefined);
});

test('deviceid, heading, location=lat,lon, no timestamp (arrival time), hdop as accuracy', () => {
  const a = parse('lat=60.0&lon=30.0&speed=0.0&heading=90&deviceid=123456&hdop=6');
  assert.equal(a.deviceKey, '123456');
  assert.deepEqual(a.report.positions[0], { lat: 60, lng: 30, speed: 0, bearing: 90, accuracy: 6, altitude: null, deviceTime: NOW, serverTime: NOW });
  const b = parse('id=1&timestamp=1377177267&location=60.5,30.25');
  assert.equal(b.report.positions[0]!.lat, 60.5);
  assert.equal(b.report.positions[0]!.lng, 30.25);
  assert.equal(problem('id=1&location=60.5'), 'location "60.5" is not "lat,lon"');
});

test('no lat/lon (cell and Wi-Fi only, push token): a report without positions', () => {
  const r = parse('id=123456&timestamp=1377177267&cell=257,02,16,2224&wifi=00-14-22-01-23-45,-80');
  assert.deepEqual(r.report, { positions: [] });
  assert.deepEqual(parse('id=x&notificationToken=abc').report, { positions: [] });
});

test('valid=false fixes are not stored; their battery still counts', () => {
  const r = parse('id=1&lat=1&lon=2&valid=false&batt=50');
  assert.deepEqual(r.report.positions, []);
  assert.deepEqual(r.report.status, { battery: 50 });
  assert.equal(parse('id=1&lat=1&lon=2&valid=true').report.positions.length, 1);
});

test('alarms: sos → sos, accident/crash → crash, other names no alert', () => {
  assert.equal(alarmKind('sos'), 'sos');
  assert.equal(alarmKind('SOS'), 'sos');
  assert.equal(alarmKind('accident'), 'crash');
  assert.equal(alarmKind('crash'), 'crash');
  assert.equal(alarmKind('alert message'), undefined);
  assert.deepEqual(parse('id=1&timestamp=1600000000&lat=1&lon=2&alarm=sos').report.alarm, { kind: 'sos', deviceTime: 1600000000000 });
});

test('malformed input names the problem', () => {
  assert.match(problem('lat=1&lon=2'), /^id is missing/);
  assert.equal(problem('id=1&lat=NaN&lon=2'), 'lat "NaN" is not a number');
  assert.equal(problem('id=1&lat=1&lon=abc'), 'lon "abc" is not a number');
  assert.equal(problem('id=1&lat=1'), 'lon is missing');
  assert.equal(problem('id=1&lat=1&lon=2&speed=fast'), 'speed "fast" is not a number');
  assert.match(problem('id=1&lat=1&lon=2&timestamp=soon'), /timestamp "soon" is not a time/);
  // empty values count as absent
  assert.equal(parse('id=1&lat=1&lon=2&speed=&altitude=').report.positions[0]!.altitude, null);
});

test('Traccar Client JSON: coords in SI, negative speed/heading unknown → 0, battery 0–1 → %', () => {
  const r = fromTraccarJson(
    {
      location: {
        timestamp: '2021-07-21T08:06:34.444Z',
        coords: { latitude: -6.1148096, longitude: 106.6837015, accuracy: 3.8, speed: 18.67, heading: 63, altitude: 35.7 },
        battery: { is_charging: false, level: 0.79 },
      },
      device_id: '8737767034',
    },
    NOW,
  ) as PhoneReport[];
  assert.deepEqual(r, [
    {
      deviceKey: '8737767034',
      report: {
        positions: [{ lat: -6.1148096, lng: 106.6837015, speed: 18.67, bearing: 63, accuracy: 3.8, altitude: 35.7, deviceTime: Date.parse('2021-07-21T08:06:34.444Z'), serverTime: NOW }],
        status: { battery: 79, charging: false },
      },
    },
  ]);
  const unknown = fromTraccarJson({ location: { coords: { latitude: 1, longitude: 2, speed: -1, heading: -1, accuracy: -1 }, battery: { level: -1 } }, device_id: 'k' }, NOW) as PhoneReport[];
  assert.deepEqual(unknown[0]!.report, { positions: [{ lat: 1, lng: 2, speed: 0, bearing: 0, accuracy: null, altitude: null, deviceTime: NOW, serverTime: NOW }] });
});

test('Traccar Client JSON arrays: location arrays, arrays of bodies and of flat OsmAnd objects, merged per key', () => {
  const loc = (t: string, lat: number) => ({ timestamp: t, coords: { latitude: lat, longitude: 10, speed: 1, heading: 0 } });
  const a = fromTraccarJson({ location: [loc('2024-01-01T00:00:00Z', 50), loc('2024-01-01T00:00:10Z', 51)], device_id: 'k' }, NOW) as PhoneReport[];
  assert.equal(a.length, 1);
  assert.deepEqual(a[0]!.report.positions.map((p) => p.lat), [50, 51]);
  const b = fromTraccarJson(
    [
      { location: loc('2024-01-01T00:00:00Z', 50), device_id: 'k' },
      { id: 'k', lat: 52, lon: 10, timestamp: 1704067220, speed: 10, batt: 40, charge: true },
      { id: 'other', lat: 53, lon: 10 },
    ],
    NOW,
  ) as PhoneReport[];
  assert.deepEqual(b.map((r) => r.deviceKey), ['k', 'other']);
  assert.deepEqual(b[0]!.report.positions.map((p) => [p.lat, p.deviceTime]), [[50, 1704067200000], [52, 1704067220000]]);
  assert.equal(b[0]!.report.positions[1]!.speed, 10 / KNOTS_PER_MS, 'flat objects carry knots like the form');
  assert.deepEqual(b[0]!.report.status, { battery: 40, charging: true });
});

test('Traccar Client JSON problems', () => {
  assert.equal(fromTraccarJson({ location: { coords: { latitude: 1, longitude: 2 } } }, NOW), 'device_id is missing');
  assert.equal(fromTraccarJson({ location: { coords: { latitude: '1', longitude: 2 } }, device_id: 'k' }, NOW), 'location.coords.latitude is missing or not a number');
  assert.match(String(fromTraccarJson({ location: { timestamp: 'later', coords: { latitude: 1, longitude: 2 } }, device_id: 'k' }, NOW)), /^location\.timestamp "later" is not a time/);
  assert.equal(fromTraccarJson([], NOW), 'the JSON array holds no locations');
  assert.deepEqual(fromTraccarJson({ device_id: 'k' }, NOW), [{ deviceKey: 'k', report: { positions: [] } }], 'no location: nothing but the device');
  assert.equal(fromTraccarJson(42, NOW), 'the body is not a JSON object');
  assert.equal(fromTraccarJson([1], NOW), '[0] is not a JSON object');
  // no coords: status only
  assert.deepEqual(fromTraccarJson({ location: { battery: { level: 0.5, is_charging: true } }, device_id: 'k' }, NOW), [
    { deviceKey: 'k', report: { positions: [], status: { battery: 50, charging: true } } },
  ]);
});
