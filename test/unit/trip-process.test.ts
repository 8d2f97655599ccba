/**
 * Processed tracks from synthetic drives of known ground truth: distance within 1% (straight
 * and curved), exact driving event counts for injected episodes, outliers and jitter filtered,
 * stops, a robust max speed, the safety score formula, and the removal reasons. Plus gpxpy's
 * real Višnjan drive (shared/realworld/traces/gpxpy-around-visnjan-with-car.gpx).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TRIP_SETTINGS as S } from '../../shared/api/trips';
import { offsetM } from '../../shared/geo';
import { processTrack, type RawFix } from '../../main/server/trips/process';
import { SCORE_FORMULA, safetyScore } from '../../main/server/trips/score';
import { REMOVAL_REASONS, judgeTrack } from '../../main/server/trips/validate';
import { Trace, rng, visnjanTrace } from '../support/synthetic-trips';

const within = (actual: number, expected: number, rel: number) => assert.ok(Math.abs(actual - expected) / expected < rel, `${actual} vs ${expected}`);
const kinds = (fixes: RawFix[], limitKmh = S.speed_limit_kmh) => processTrack(fixes, { speed_limit_kmh: limitKmh }).counts;

test('straight and curved drives at known speeds: distance within 1%, duration, moving time, average speed', () => {
  const straight = new Trace().drive(1200, 25);
  const p = processTrack(straight.fixes, S);
  within(p.distance_m, straight.truth, 0.01);
  assert.equal(p.duration_s, 1200);
  assert.equal(p.moving_s, 1200);
  assert.equal(p.idle_s, 0);
  within(p.avg_speed, 25, 0.01);
  within(p.max_speed, 25, 0.001);
  // 10 m/s turning 3°/s: a 190 m circle driven five times (0.52 m/s² lateral: no harsh event)
  const curved = new Trace().drive(600, 10, 3);
  const c = processTrack(curved.fixes, S);
  within(c.distance_m, curved.truth, 0.01);
  assert.deepEqual(c.counts, { harsh_acceleration: 0, harsh_braking: 0, harsh_cornering: 0, speeding: 0 });
  assert.equal(c.score, 100);
  // 15 s sampling of a straight drive: still exact
  const sparse = new Trace(undefined, undefined, 15).drive(900, 20);
  within(processTrack(sparse.fixes, S).distance_m, sparse.truth, 0.01);
});

test('harsh braking and acceleration: each injected episode is one event; gentle ones none', () => {
  const tr = new Trace().drive(60, 20);
  tr.accelerate(0, -5).drive(10, 0); // harsh braking 5 m/s² for 4 s: one event
  tr.accelerate(20, 4).drive(60, 20); // harsh acceleration 4 m/s² for 5 s: one event
  tr.accelerate(5, -2).accelerate(20, 2).drive(30, 20); // gentle: none
  tr.accelerate(10, -3.6).drive(30, 10).accelerate(25, 3.2).drive(30, 25); // a second of each, just over
  const p = processTrack(tr.fixes, S);
  assert.deepEqual(p.counts, { harsh_acceleration: 2, harsh_braking: 2, harsh_cornering: 0, speeding: 0 });
  const brake = p.events.find((e) => e.kind === 'harsh_braking')!;
  assert.equal(brake.value, 5);
  assert.equal(brake.duration_s, 4);
});

test('harsh cornering: v·ω ≥ 3.5 m/s² above 20 km/h is one event per turn; slow or gentle turns none', () => {
  const tr = new Trace().drive(30, 20);
  tr.drive(6, 20, 15).drive(30, 20); // 20 m/s × 0.26 rad/s = 5.2 m/s²
  tr.drive(6, 20, -15).drive(30, 20); // the other way
  tr.drive(10, 20, 5).drive(30, 20); // 1.7 m/s²: gentle
  tr.accelerate(5, -2).drive(6, 5, 45).drive(10, 5); // 5 m/s (18 km/h) × 0.79 rad/s = 3.9 m/s² but slow
  const p = processTrack(tr.fixes, S);
  assert.equal(p.counts.harsh_cornering, 2);
  for (const e of p.events.filter((x) => x.kind === 'harsh_cornering')) within(e.value, 20 * ((15 * Math.PI) / 180), 0.02);
});

test('speeding: above the limit for ≥ 10 s is one event per episode, value the peak speed', () => {
  const limit = 110 / 3.6;
  const tr = new Trace().drive(60, 28);
  tr.drive(30, 33).drive(30, 28); // 30 s over: one
  tr.drive(5, 34).drive(30, 28); // 5 s over: none
  tr.drive(15, 32).drive(15, 35).drive(30, 28); // one episode, peak 35
  const p = processTrack(tr.fixes, S);
  assert.ok(28 < limit && 32 > limit, '28 < limit && 32 > limit');
  const sp = p.events.filter((e) => e.kind === 'speeding');
  assert.deepEqual(
    sp.map((e) => e.value),
    [33, 35],
  );
  assert.equal(kinds(tr.fixes, 130).speeding, 0, 'a higher company limit');
});

test('outliers (flagged fixes, > 100 m/s jumps) are left out; parked jitter adds no distance', () => {
  const tr = new Trace().drive(300, 15).stand(120, 3, rng(4)).drive(300, 15);
  const truth = tr.truth;
  const fixes: RawFix[] = tr.fixes.map((f) => ({ ...f, accuracy: 10 }));
  // a flagged GPS jump and an unflagged 2 km jump
  const far = offsetM(fixes[100] as RawFix, 2000, 0);
  fixes[100] = { ...(fixes[100] as RawFix), flags: 1, lat: far.lat, lng: far.lng };
  const far2 = offsetM(fixes[500] as RawFix, 0, 2000);
  fixes[500] = { ...(fixes[500] as RawFix), lat: far2.lat, lng: far2.lng };
  const p = processTrack(fixes, S);
  assert.equal(p.outliers, 2);
  within(p.distance_m, truth, 0.01);
  assert.equal(p.stops.length, 1);
  assert.ok(Math.abs((p.stops[0]?.duration_s ?? 0) - 120) <= 3, `stop ${p.stops[0]?.duration_s}`);
  within(p.idle_s, 120, 0.05);
  assert.equal(p.geometry.geometry.coordinates.length, p.geometry.properties.times.length);
  assert.equal(p.geometry.properties.speeds.length, p.geometry.properties.times.length);
});

test('max speed ignores a single reported spike', () => {
  const tr = new Trace().drive(120, 20);
  const fixes = tr.fixes.map((f, i) => (i === 60 ? { ...f, speed: 70 } : f));
  assert.equal(processTrack(fixes, S).max_speed, 20);
});

test('the safety score follows SCORE_FORMULA', () => {
  const none = { harsh_acceleration: 0, harsh_braking: 0, harsh_cornering: 0, speeding: 0 };
  assert.equal(safetyScore(none, 0, 5000), 100);
  // 20 km: one braking (8) and two minutes speeding (6) = 14 points × 10 / 20 = 7
  assert.equal(safetyScore({ ...none, harsh_braking: 1, speeding: 1 }, 120, 20_000), 93);
  // under 1 km counts as 1 km; clamped at 0
  assert.equal(safetyScore({ ...none, harsh_acceleration: 1 }, 0, 300), 50);
  assert.equal(safetyScore({ ...none, harsh_braking: 3 }, 0, 1000), 0);
  assert.match(SCORE_FORMULA, /10 \/ max\(distance km, 1\)/);
});

test('raw track judgement: removed with the reason, or received', () => {
  const ok = new Trace().drive(120, 10);
  assert.deepEqual(judgeTrack(ok.fixes, S), { status: 'received', reason: null });
  assert.deepEqual(judgeTrack(new Trace().drive(25, 8).fixes, S), { status: 'removed', reason: REMOVAL_REASONS.distance });
  assert.deepEqual(judgeTrack(new Trace().drive(40, 10).fixes, S), { status: 'removed', reason: REMOVAL_REASONS.duration });
  assert.deepEqual(judgeTrack(new Trace(undefined, undefined, 30).drive(90, 10).fixes, S), { status: 'removed', reason: REMOVAL_REASONS.fixes });
  assert.deepEqual(judgeTrack(new Trace().drive(600, 1.4).fixes, S), { status: 'removed', reason: REMOVAL_REASONS.walking });
  assert.equal(REMOVAL_REASONS.distance, 'Insufficient track length');
});

test('real drive: gpxpy Višnjan (Garmin smart recording, 104 fixes) is ~2.7 km with its 2-minute stationary stretch as a stop', () => {
  // shared/realworld/traces/gpxpy-around-visnjan-with-car.gpx (tkrajina/gpxpy, Apache-2.0)
  const fixes = visnjanTrace();
  assert.equal(fixes.length, 104);
  const p = processTrack(fixes, S);
  within(p.distance_m, 2700, 0.05);
  assert.ok(p.stops.some((s) => s.duration_s >= 100 && s.duration_s <= 140), JSON.stringify(p.stops));
  assert.ok(p.max_speed > 15 && p.max_speed < 30, `max ${p.max_speed}`);
  assert.equal(p.duration_s, (fixes.at(-1)!.t - fixes[0]!.t) / 1000);
  assert.deepEqual(judgeTrack(fixes, S).status, 'received');
});
