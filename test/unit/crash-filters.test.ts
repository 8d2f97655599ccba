/**
 * The crash filters (main/server/crash/filters.ts): driving before + stationary after passes;
 * kept driving fails; not driving before fails unless the phone measured an impact; no data
 * passes (a possible crash is never hidden); every verdict comes with sentences.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offsetM } from '../../shared/geo';
import { runFilters, type FilterFix } from '../../main/server/crash/filters';

const T = Date.UTC(2026, 5, 1, 8, 0, 0);
const BASE = { lat: 48.137, lng: 11.575 };

/** 1 Hz fixes from `fromS` to `toS` (relative to T), speed (m/s) given per second; positions integrate it northwards. */
function series(fromS: number, toS: number, speedAt: (s: number) => number): FilterFix[] {
  const out: FilterFix[] = [];
  let north = 0;
  for (let s = fromS; s <= toS; s++) {
    const v = speedAt(s);
    const p = offsetM(BASE, north, 0);
    out.push({ time: T + s * 1000, lat: p.lat, lng: p.lng, speed: v });
    north += v;
  }
  return out;
}

const crash = (s: number) => (s < 0 ? 14 : 0); // 50 km/h, then stopped dead at t

test('driving before and stationary after: passed, with sentences for both', () => {
  const v = runFilters({ time: T, positions: series(-40, 40, crash) });
  assert.equal(v.passed, true);
  assert.equal(v.drivingBefore, 'yes');
  assert.equal(v.stoppedAfter, 'yes');
  assert.ok(v.reasons.some((r) => /moving at 50 km\/h/.test(r)), v.reasons.join(' | '));
  assert.ok(v.reasons.some((r) => /stationary from 0 s after the event/.test(r)), v.reasons.join(' | '));
});

test('kept driving after the event: failed, says it did not stop', () => {
  const v = runFilters({ time: T, positions: series(-40, 40, () => 14) });
  assert.equal(v.passed, false);
  assert.equal(v.stoppedAfter, 'no');
  assert.ok(v.reasons.some((r) => /did not stop within 20 s/.test(r)), 'v.reasons.some((r) => /did not stop within 20 s/.test(r))');
  assert.ok(v.reasons.some((r) => /stays open as a possible crash/.test(r)), 'v.reasons.some((r) => /stays open as a possible crash/.test(r))');
});

test('stopped, then drove off within 10 s: failed', () => {
  const v = runFilters({ time: T, positions: series(-40, 40, (s) => (s < 0 ? 14 : s < 5 ? 0 : 10)) });
  assert.equal(v.passed, false);
  assert.equal(v.stoppedAfter, 'no');
  assert.ok(v.reasons.some((r) => /drove on/.test(r)), v.reasons.join(' | '));
});

test('parked before (phone dropped): failed; a measured impact above the threshold passes it', () => {
  const parked = series(-40, 40, () => 0);
  const dropped = runFilters({ time: T, positions: parked, peakG: 2, thresholdG: 4 });
  assert.equal(dropped.passed, false);
  assert.equal(dropped.drivingBefore, 'no');
  assert.ok(dropped.reasons.some((r) => /below the threshold/.test(r)), 'dropped.reasons.some((r) => /below the threshold/.test(r))');
  const hit = runFilters({ time: T, positions: parked, peakG: 6.5, thresholdG: 4 });
  assert.equal(hit.passed, true);
  assert.equal(hit.impact, true);
  assert.ok(hit.reasons.some((r) => /6.5 g \(threshold 4 g\)/.test(r)), 'hit.reasons.some((r) => /6.5 g \\(threshold 4 g\\)/.test(r))');
  assert.ok(hit.reasons.some((r) => /parked car can be hit/.test(r)), 'hit.reasons.some((r) => /parked car can be hit/.test(r))');
});

test('no position data around the event: passed, and says so', () => {
  const none = runFilters({ time: T, positions: [] });
  assert.equal(none.passed, true);
  assert.deepEqual(none.reasons, ['no position data around the event: passed, so that a possible crash is never hidden']);
  // positions only hours away do not count as "around"
  const far = runFilters({ time: T, positions: series(-4000, -3900, () => 14) });
  assert.equal(far.passed, true);
  assert.match(far.reasons.join(' '), /no position data around the event/);
});

test('positions stop at the event (phone destroyed): passed on driving before', () => {
  const v = runFilters({ time: T, positions: series(-40, -1, () => 14) });
  assert.equal(v.passed, true);
  assert.equal(v.stoppedAfter, 'unknown');
  assert.ok(v.reasons.some((r) => /no positions after the event/.test(r)), 'v.reasons.some((r) => /no positions after the event/.test(r))');
});

test('a source without speeds: driving is judged from the distance covered', () => {
  const fixes = series(-40, 40, crash).map((f) => ({ ...f, speed: 0 }));
  const v = runFilters({ time: T, positions: fixes });
  assert.equal(v.drivingBefore, 'yes');
  assert.equal(v.passed, true);
});

test('stationary but only a few seconds of data after: not contradicted, passed', () => {
  const v = runFilters({ time: T, positions: series(-30, 4, crash) });
  assert.equal(v.stoppedAfter, 'unknown');
  assert.equal(v.passed, true);
  assert.ok(v.reasons.some((r) => /cover only 4 s/.test(r)), v.reasons.join(' | '));
});

test('order of the positions does not matter', () => {
  const fixes = series(-40, 40, crash);
  const a = runFilters({ time: T, positions: fixes });
  const b = runFilters({ time: T, positions: [...fixes].reverse() });
  assert.deepEqual(a, b);
});
