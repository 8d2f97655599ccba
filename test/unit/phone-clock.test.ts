/** The phone's clock judged against arrival (main/server/ingest/phone-clock.ts) and the fix rules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseSkew, DEFAULT_CLOCK_TOLERANCE_MS, GPS_ROLLOVER_MS, judgeTime, ROLLOVER_QUEUE_MS } from '../../main/server/ingest/phone-clock';
import { fixProblem } from '../../main/server/ingest/fix-rules';
import { FLAG_CLOCK_AHEAD, FLAG_GPS_ROLLOVER } from '../../main/server/store/position-flags';
import type { PositionRecord } from '../../main/server/ingest/position';

const arrival = Date.UTC(2026, 11, 5, 12, 0, 0);
const tol = DEFAULT_CLOCK_TOLERANCE_MS;

test('on time, a little ahead (within the tolerance) or from an old queue: kept as it is', () => {
  for (const t of [arrival, arrival - 1, arrival + tol, arrival - 3 * 3600_000, arrival - 40 * 86_400_000, Date.UTC(2000, 0, 1)]) {
    assert.deepEqual(judgeTime(t, arrival, tol), { ok: true, time: t, flags: 0, reported: null }, new Date(t).toISOString());
  }
});

test('ahead of the tolerance: stored at arrival, flagged, the phone time kept', () => {
  for (const ahead of [tol + 1, 2 * 3600_000, 2 * 86_400_000, 20 * 365 * 86_400_000]) {
    const v = judgeTime(arrival + ahead, arrival, tol);
    assert.deepEqual(v, { ok: true, time: arrival, flags: FLAG_CLOCK_AHEAD, reported: arrival + ahead, skew: ahead });
  }
});

test('a known skew keeps the spacing of later fixes, but never puts one beyond the tolerance', () => {
  const skew = 2 * 3600_000;
  const second = judgeTime(arrival + skew + 1000, arrival + 10, tol, skew);
  assert.ok(second.ok, 'second.ok');
  assert.equal(second.time, arrival + 1000, 'a second after the first, though it arrived 10 ms later');
  // the phone's clock jumped further ahead: that fix is stored at arrival
  const jumped = judgeTime(arrival + skew + 3600_000, arrival, tol, skew);
  assert.ok(jumped.ok, 'jumped.ok');
  assert.equal(jumped.time, arrival);
});

test('chooseSkew: none when on time; the known one while it fits; else newest minus arrival', () => {
  assert.equal(chooseSkew(arrival + tol, arrival, tol, undefined), undefined);
  assert.equal(chooseSkew(arrival + tol, arrival, tol, 3600_000), undefined);
  assert.equal(chooseSkew(arrival + 3600_000, arrival, tol, undefined), 3600_000);
  assert.equal(chooseSkew(arrival + 3600_000 + 5000, arrival, tol, 3600_000), 3600_000);
  assert.equal(chooseSkew(arrival + 7200_000, arrival, tol, 3600_000), 7200_000);
});

test('GPS week rollover: exactly 1024 weeks (or 2048, 3072) behind, within the tolerance or a queue’s week, is corrected', () => {
  for (const k of [1, 2, 3]) {
    for (const late of [0, 60_000, -tol, 3 * 86_400_000, ROLLOVER_QUEUE_MS]) {
      const real = arrival - late;
      const v = judgeTime(real - k * GPS_ROLLOVER_MS, arrival, tol);
      assert.deepEqual(v, { ok: true, time: real, flags: FLAG_GPS_ROLLOVER, reported: real - k * GPS_ROLLOVER_MS }, `k=${k} late=${late}`);
    }
  }
  // 1024 weeks and more than a queue's week behind: not recognised, an old fix (after 2000: kept)
  const old = arrival - GPS_ROLLOVER_MS - ROLLOVER_QUEUE_MS - tol - 60_000;
  assert.deepEqual(judgeTime(old, arrival, tol), { ok: true, time: old, flags: 0, reported: null });
});

test('before 2000 (and not a rollover) or after 9999: dropped as bad_time with a plain reason', () => {
  const v = judgeTime(Date.UTC(1999, 7, 21), arrival, tol);
  assert.equal(v.ok, false);
  assert.equal(!v.ok && v.drop.reason, 'bad_time');
  assert.match(!v.ok ? v.drop.message : '', /1999-08-21, before the year 2000/);
  const epoch0 = judgeTime(0, arrival, tol);
  assert.equal(!epoch0.ok && epoch0.drop.reason, 'bad_time');
  const far = judgeTime(1e300, arrival, tol);
  assert.equal(!far.ok && far.drop.reason, 'bad_time');
});

const fix = (over: Partial<PositionRecord> = {}): PositionRecord => ({ lat: 48.1, lng: 11.5, speed: 10, bearing: 90, accuracy: 5, altitude: 500, deviceTime: arrival, serverTime: arrival, ...over });

test('fix rules: 0,0, off the globe and impossible speeds are dropped with their reason', () => {
  assert.equal(fixProblem(fix()), null);
  assert.equal(fixProblem(fix({ lat: 0, lng: 0 }))?.reason, 'zero_position');
  assert.equal(fixProblem(fix({ lat: 0, lng: 11.5 })), null, 'the equator is real');
  for (const bad of [{ lat: 90.1 }, { lat: -91 }, { lng: 180.01 }, { lng: -200 }, { lat: Number.NaN }, { lng: Number.POSITIVE_INFINITY }]) {
    assert.equal(fixProblem(fix(bad))?.reason, 'out_of_range', JSON.stringify(bad));
  }
  for (const speed of [-0.1, 556, Number.NaN]) assert.equal(fixProblem(fix({ speed }))?.reason, 'impossible_speed', String(speed));
  assert.equal(fixProblem(fix({ speed: 555 })), null, 'just under 2,000 km/h');
});

test('fix rules: unreadable optional values are cleared, the fix kept', () => {
  const f = fix({ bearing: Number.NaN, accuracy: -1, altitude: Number.POSITIVE_INFINITY });
  assert.equal(fixProblem(f), null);
  assert.deepEqual([f.bearing, f.accuracy, f.altitude], [0, null, null]);
});
