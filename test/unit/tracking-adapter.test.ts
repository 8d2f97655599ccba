import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromTrackingPayload as fromTrackingPayloadThrowing } from '../../main/server/ingest/tracking-adapter';
import { orReason } from '../support/or-reason';
import type { PositionRecord } from '../../main/server/ingest/position';

const fromTrackingPayload = orReason(fromTrackingPayloadThrowing);

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const base = { lat: 9.01234, lng: 38.70321, speed: 36, bearing: 90 };

function ok(r: PositionRecord | string): PositionRecord {
  assert.equal(typeof r, 'object', `expected a position, got ${JSON.stringify(r)}`);
  return r as PositionRecord;
}

describe('fromTrackingPayload', () => {
  test('converts km/h to m/s and keeps the rest', () => {
    assert.deepEqual(ok(fromTrackingPayload({ ...base, accuracy: 5, altitude: 2300 }, NOW)), {
      lat: 9.01234,
      lng: 38.70321,
      speed: 10,
      bearing: 90,
      accuracy: 5,
      altitude: 2300,
      deviceTime: NOW,
      serverTime: NOW,
    });
    assert.equal(ok(fromTrackingPayload({ ...base, speed: 0 }, NOW)).speed, 0);
    assert.equal(ok(fromTrackingPayload({ ...base, speed: 72 }, NOW)).speed, 20);
    assert.ok(Math.abs(ok(fromTrackingPayload({ ...base, speed: 50 }, NOW)).speed - 13.888888888888889) < 1e-12, 'Math.abs(ok(fromTrackingPayload({ ...base, speed: 50 }, NOW)).speed - 13.888888888888889) < 1e-12');
  });

  test('missing accuracy and altitude become null; zero stays zero', () => {
    const p = ok(fromTrackingPayload(base, NOW));
    assert.equal(p.accuracy, null);
    assert.equal(p.altitude, null);
    const z = ok(fromTrackingPayload({ ...base, accuracy: 0, altitude: 0 }, NOW));
    assert.equal(z.accuracy, 0);
    assert.equal(z.altitude, 0);
  });

  test('normalises the bearing into [0, 360)', () => {
    const cases: [number, number][] = [
      [0, 0],
      [90, 90],
      [359.5, 359.5],
      [360, 0],
      [450, 90],
      [719, 359],
      [-90, 270],
      [-360, 0],
      [-0.5, 359.5],
    ];
    for (const [input, expected] of cases) {
      const b = ok(fromTrackingPayload({ ...base, bearing: input }, NOW)).bearing;
      assert.equal(b, expected, `bearing ${input}`);
      assert.ok(b >= 0 && b < 360, 'b >= 0 && b < 360');
    }
  });

  test('device time: payload.timestamp first, then time_stamp (epoch s), then arrival', () => {
    const t = NOW - 60_000;
    assert.equal(ok(fromTrackingPayload({ ...base, timestamp: t }, NOW)).deviceTime, t);
    assert.equal(ok(fromTrackingPayload({ ...base, timestamp: t / 1000 }, NOW)).deviceTime, t);
    assert.equal(ok(fromTrackingPayload({ ...base, timestamp: new Date(t).toISOString() }, NOW)).deviceTime, t);
    assert.equal(ok(fromTrackingPayload(base, NOW, t / 1000)).deviceTime, t);
    assert.equal(ok(fromTrackingPayload({ ...base, timestamp: t }, NOW, (t - 5000) / 1000)).deviceTime, t);
    const arrival = ok(fromTrackingPayload(base, NOW));
    assert.equal(arrival.deviceTime, NOW);
    assert.equal(arrival.serverTime, NOW);
  });

  test('a bad timestamp is a reason string', () => {
    assert.match(fromTrackingPayload({ ...base, timestamp: 'soon' }, NOW) as string, /not a time/);
    assert.equal(typeof fromTrackingPayload({ ...base, timestamp: -1 }, NOW), 'string');
    assert.equal(typeof fromTrackingPayload(base, NOW, -1), 'string');
  });
});
