/**
 * Trip detection on synthetic drives of known ground truth (test/support/synthetic-trips.ts):
 * one drive is one trip, parked drift never starts one, traffic lights stay inside a trip,
 * stops and data gaps split, settings apply, and the result depends only on the fixes.
 * Also barefoot's real Munich drive (shared/realworld/traces/barefoot-munich-x0001-001.json).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TRIP_SETTINGS, type TripSettings } from '../../shared/api/trips';
import { TripDetector, type TripBoundary } from '../../main/server/trips/detector';
import { processTrack, type RawFix } from '../../main/server/trips/process';
import { judgeTrack } from '../../main/server/trips/validate';
import { MUNICH, T0, Trace, munichTrace, rng } from '../support/synthetic-trips';

function detect(fixes: RawFix[], settings: TripSettings = DEFAULT_TRIP_SETTINGS, sweep = false): TripBoundary[] {
  const d = new TripDetector(() => settings);
  const out: TripBoundary[] = [];
  for (const f of fixes) {
    const b = d.push(f);
    if (b) out.push(b);
  }
  if (sweep) {
    const b = d.end('sweep');
    if (b) out.push(b);
  }
  return out;
}

const slice = (fixes: RawFix[], b: TripBoundary) => fixes.filter((f) => f.t >= b.start && f.t <= b.end);

test('one drive between two parked hours is one trip ending at the stop, with the distance driven', () => {
  const tr = new Trace().stand(600, 3, rng(2));
  const departure = tr.t;
  tr.accelerate(15, 2).drive(600, 15, 0).accelerate(0, -2);
  const driven = tr.truth;
  const arrival = tr.t;
  tr.stand(900, 3, rng(3));
  const trips = detect(tr.fixes);
  assert.equal(trips.length, 1);
  const [b] = trips as [TripBoundary];
  assert.equal(b.endReason, 'stop');
  // starts at the last fix still at the parked spot, ends at the first fix at rest
  assert.ok(b.start <= departure + 10_000 && b.start >= departure - 1000, `start ${(b.start - departure) / 1000} s from departure`);
  assert.ok(Math.abs(b.end - arrival) <= 10_000, `end ${(b.end - arrival) / 1000} s from arrival`);
  const p = processTrack(slice(tr.fixes, b), DEFAULT_TRIP_SETTINGS);
  assert.ok(Math.abs(p.distance_m - driven) / driven < 0.01, `distance ${p.distance_m} vs ${driven}`);
});

test('an hour of parked drift (±30 m noise, 100 m jumps) starts no trip', () => {
  const tr = new Trace(MUNICH, T0, 1, 30).stand(3600, 30, rng(7), 300, 100);
  const d = new TripDetector(() => DEFAULT_TRIP_SETTINGS);
  for (const f of tr.fixes) {
    assert.equal(d.push(f), null);
    assert.equal(d.moving, false, `moving at ${(f.t - T0) / 1000} s`);
  }
  // the same at 15 s sampling, and with a single stray fix beyond the radius
  const sparse = new Trace(MUNICH, T0, 15, 30).stand(3600, 30, rng(8), 600, 150).fixes;
  const stray = { ...(sparse[100] as RawFix), t: (sparse[100] as RawFix).t + 1, lat: MUNICH.lat + 0.003 };
  assert.deepEqual(detect([...sparse.slice(0, 101), stray, ...sparse.slice(101)]), []);
});

test('stop-and-go at three 60 s traffic lights stays one trip', () => {
  const tr = new Trace().stand(300);
  for (let i = 0; i < 3; i++) tr.accelerate(14, 2).drive(120, 14).accelerate(0, -2).stand(60);
  tr.accelerate(14, 2).drive(120, 14).accelerate(0, -2).stand(600);
  const trips = detect(tr.fixes);
  assert.equal(trips.length, 1);
  const p = processTrack(slice(tr.fixes, trips[0] as TripBoundary), DEFAULT_TRIP_SETTINGS);
  assert.equal(p.stops.length, 3);
  for (const s of p.stops) assert.ok(s.duration_s >= 55 && s.duration_s <= 70, `stop of ${s.duration_s} s`);
});

test('a 4-minute stop splits the trip with a 240 s gap (merged later); a 10-minute stop with 600 s', () => {
  for (const [standS, gapS] of [
    [240, 240],
    [600, 600],
  ] as const) {
    const tr = new Trace().stand(300).accelerate(14, 2).drive(300, 14).accelerate(0, -2);
    const arrived = tr.t;
    tr.stand(standS);
    const left = tr.t;
    tr.accelerate(14, 2).drive(300, 14).accelerate(0, -2).stand(600);
    const trips = detect(tr.fixes);
    assert.equal(trips.length, 2, `${standS} s stop`);
    const [a, b] = trips as [TripBoundary, TripBoundary];
    assert.ok(Math.abs(a.end - arrived) <= 5000 && Math.abs(b.start - left) <= 5000, 'Math.abs(a.end - arrived) <= 5000 && Math.abs(b.start - left) <= 5000');
    assert.ok(Math.abs((b.start - a.end) / 1000 - gapS) <= 10, `gap ${(b.start - a.end) / 1000} s`);
    assert.ok((b.start - a.end) / 1000 < DEFAULT_TRIP_SETTINGS.merge_gap_s === (standS === 240), '(b.start - a.end) / 1000 < DEFAULT_TRIP_SETTINGS.merge_gap_s === (standS === 240)');
  }
});

test('a data gap longer than gap_split_s while driving ends the trip at the last fix before it', () => {
  const tr = new Trace().stand(300).accelerate(14, 2).drive(300, 14);
  const lastBefore = tr.t;
  tr.silent(1000).drive(300, 14).accelerate(0, -2).stand(600);
  const trips = detect(tr.fixes);
  assert.equal(trips.length, 2);
  assert.deepEqual({ end: trips[0]!.end, reason: trips[0]!.endReason }, { end: lastBefore, reason: 'gap' });
  assert.equal(trips[1]!.endReason, 'stop');
});

test('an app that goes quiet when parked: a silent stop is a stop, the next drive a new trip', () => {
  const tr = new Trace().stand(300).accelerate(14, 2).drive(300, 14).accelerate(0, -2);
  const parkedAt = tr.t;
  tr.stand(5); // a few fixes at rest, then nothing for 20 minutes
  const quietFrom = tr.t;
  tr.t += 1200_000;
  tr.stand(1).accelerate(14, 2).drive(300, 14).accelerate(0, -2).stand(600);
  const trips = detect(tr.fixes);
  assert.equal(trips.length, 2);
  assert.equal(trips[0]!.endReason, 'stop');
  assert.ok(trips[0]!.end >= parkedAt - 5000 && trips[0]!.end <= quietFrom, 'trips[0]!.end >= parkedAt - 5000 && trips[0]!.end <= quietFrom');
  assert.ok(trips[1]!.start > quietFrom + 1_000_000, 'trips[1]!.start > quietFrom + 1_000_000');
});

test('sweep: the boundary carries the trip start and last fix', () => {
  const tr = new Trace().stand(60).accelerate(14, 2).drive(120, 14);
  const d = new TripDetector(() => DEFAULT_TRIP_SETTINGS);
  for (const f of tr.fixes) d.push(f);
  const start = d.tripStart;
  assert.ok(start !== null && start >= T0 && start <= T0 + 61_000, 'start !== null && start >= T0 && start <= T0 + 61_000');
  assert.deepEqual(d.end('sweep'), { start, end: tr.t, endReason: 'sweep' });
  assert.equal(d.moving, false);
  assert.equal(d.end('sweep'), null);
});

test('fixes not newer than the last one are ignored: shuffled repeats give the same trips', () => {
  const tr = new Trace().stand(300).accelerate(14, 2).drive(300, 14).accelerate(0, -2).stand(240).accelerate(14, 2).drive(300, 14).accelerate(0, -2).stand(600);
  const clean = detect(tr.fixes);
  const noisy: RawFix[] = [];
  tr.fixes.forEach((f, i) => {
    noisy.push(f);
    if (i % 7 === 0 && i > 10) noisy.push(tr.fixes[i - 10] as RawFix, f); // late and duplicate fixes
  });
  assert.deepEqual(detect(noisy), clean);
  assert.equal(clean.length, 2);
});

test('settings apply: a 90 s stop ends a trip with stop_duration_s 60, not with 180', () => {
  const tr = new Trace().stand(300).accelerate(14, 2).drive(300, 14).accelerate(0, -2).stand(90).accelerate(14, 2).drive(300, 14).accelerate(0, -2).stand(600);
  assert.equal(detect(tr.fixes).length, 1);
  assert.equal(detect(tr.fixes, { ...DEFAULT_TRIP_SETTINGS, stop_duration_s: 60 }).length, 2);
});

test('real drive: barefoot Munich x0001-001 (1 Hz, 13.65 km, 9 traffic-light stops, a 470 m jump) is one trip of ~13.6 km and ~20 min', () => {
  // shared/realworld/traces/barefoot-munich-x0001-001.json (bmwcarit/barefoot, Apache-2.0)
  const fixes = munichTrace();
  const trips = detect(fixes, DEFAULT_TRIP_SETTINGS, true);
  assert.equal(trips.length, 1, 'the traffic-light stops are inside the trip');
  const b = trips[0] as TripBoundary;
  assert.equal(b.endReason, 'sweep');
  const raw = slice(fixes, b);
  assert.deepEqual(judgeTrack(raw, DEFAULT_TRIP_SETTINGS), { status: 'received', reason: null });
  const p = processTrack(raw, DEFAULT_TRIP_SETTINGS);
  assert.ok(Math.abs(p.distance_m - 13_600) / 13_600 < 0.03, `distance ${p.distance_m}`);
  assert.ok(p.duration_s > 19 * 60 && p.duration_s < 20 * 60, `duration ${p.duration_s}`);
  assert.equal(p.outliers, 1, 'the 470 m jump');
  assert.ok(p.max_speed > 20 && p.max_speed < 40, `max ${p.max_speed}`);
  assert.ok(p.stops.length >= 1 && p.stops.length <= 9, `${p.stops.length} stops`);
  assert.ok(p.moving_s > 600 && p.idle_s > 60, 'p.moving_s > 600 && p.idle_s > 60');
});
