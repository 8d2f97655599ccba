/** The demo's route model over the real Munich drive (resources/demo/). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearingDeg, bearingDiff, distanceM } from '../../shared/geo';
import { MAX_PLAUSIBLE_SPEED_MS, removeGpsJumps, Route } from '../../main/demo/route';
import { loadTrace, parseBarefootTrace, type TraceFix } from '../../main/demo/trace';

const fixes = loadTrace();
const route = Route.fromTrace(fixes);
const JUMP_FROM = Date.parse('2014-09-10T07:04:26+02:00');
const JUMP_TO = Date.parse('2014-09-10T07:04:27+02:00');

test('the bundled trace parses as the recorded 1 Hz drive', () => {
  assert.equal(fixes.length, 1194);
  assert.equal(fixes[0]!.time, Date.parse('2014-09-10T06:54:07+02:00'));
  assert.equal(fixes.at(-1)!.time, Date.parse('2014-09-10T07:14:02+02:00'));
  assert.deepEqual({ lat: fixes[0]!.lat, lng: fixes[0]!.lng }, { lat: 48.16350662940509, lng: 11.564388282625075 });
  // The raw file really has the jump the model must not replay.
  const i = fixes.findIndex((f) => f.time === JUMP_TO);
  assert.equal(fixes[i - 1]!.time, JUMP_FROM);
  assert.ok(distanceM(fixes[i - 1]!, fixes[i]!) > 450, 'distanceM(fixes[i - 1]!, fixes[i]!) > 450');
});

test('bad trace input gets a clear error', () => {
  const ok = { point: 'POINT(11.5 48.1)', time: '2014-09-10 06:54:07+0200' };
  const later = { point: 'POINT(11.5 48.1)', time: '2014-09-10 06:54:08+0200' };
  assert.throws(() => parseBarefootTrace({}), /JSON array/);
  assert.throws(() => parseBarefootTrace([ok, { ...later, point: 'POINT(11.5)' }]), /entry 1: point must look like/);
  assert.throws(() => parseBarefootTrace([ok, { ...later, time: 'yesterday' }]), /entry 1: time must look like/);
  assert.throws(() => parseBarefootTrace([ok, { ...later, point: 'POINT(11.5 98.1)' }]), /entry 1: .* is not a position/);
  assert.throws(() => parseBarefootTrace([later, ok]), /entry 1: times must increase/);
  assert.throws(() => parseBarefootTrace([ok]), /at least two fixes/);
  assert.equal(parseBarefootTrace([ok, later]).length, 2);
});

test('removeGpsJumps drops the frozen fixes before the jump so the car covers the gap at a real speed', () => {
  const clean = removeGpsJumps(fixes);
  assert.equal(clean.length, fixes.length - 33, 'the 33 repeated copies of the frozen fix');
  for (let i = 1; i < clean.length; i++) {
    const v = distanceM(clean[i - 1]!, clean[i]!) / ((clean[i]!.time - clean[i - 1]!.time) / 1000);
    assert.ok(v <= MAX_PLAUSIBLE_SPEED_MS, `step ${i}: ${v.toFixed(1)} m/s`);
  }
  const j = clean.findIndex((f) => f.time === JUMP_TO);
  const gap = (clean[j]!.time - clean[j - 1]!.time) / 1000;
  assert.equal(clean[j - 1]!.time, Date.parse('2014-09-10T07:03:53+02:00'), 'the last genuine fix before the freeze');
  assert.equal(gap, 34);
  const kmh = (distanceM(clean[j - 1]!, clean[j]!) / gap) * 3.6;
  assert.ok(kmh > 40 && kmh < 60, `bridged at ${kmh.toFixed(1)} km/h`);
});

test('removeGpsJumps drops a lone outlier that has no frozen run before it', () => {
  const t0 = Date.parse('2020-01-01T00:00:00Z');
  const at = (s: number, lat: number): TraceFix => ({ lat, lng: 11.5, time: t0 + s * 1000 });
  const track = [at(0, 48.1), at(1, 48.1001), at(2, 48.11), at(3, 48.1003), at(4, 48.1004)];
  assert.deepEqual(removeGpsJumps(track).map((f) => f.time), [0, 1, 3, 4].map((s) => t0 + s * 1000));
});

test('the route keeps the recorded length and duration', () => {
  assert.equal(route.duration, 1195);
  assert.ok(route.length > 13_000 && route.length < 13_700, `${route.length} m`);
});

test('replayed speeds stay realistic, and one second of replay never covers more than they allow', () => {
  let max = 0;
  for (let tau = 0; tau <= route.duration; tau += 0.5) {
    const kmh = route.speedAt(tau) * 3.6;
    max = Math.max(max, kmh);
    const step = distanceM(route.at(tau), route.at(tau + 1));
    assert.ok(step <= 130 / 3.6, `tau ${tau}: ${step.toFixed(1)} m in 1 s`);
  }
  assert.ok(max <= 130, `max ${max.toFixed(1)} km/h`);
  assert.ok(max >= 80, 'the drive has its fast stretch');
});

test('the replay keeps the recorded stops (traffic lights)', () => {
  let stoppedS = 0;
  for (let tau = 0; tau < route.duration; tau++) if (route.speedAt(tau) < 0.5) stoppedS++;
  assert.ok(stoppedS > 200, `${stoppedS} s stopped`);
});

test('positions lie on the recorded polyline and distance along it grows with time', () => {
  let prev = -1;
  for (let tau = 0; tau <= route.duration; tau += 7.3) {
    const p = route.at(tau);
    assert.ok(route.distanceFrom(p) < 0.5, `tau ${tau}: ${route.distanceFrom(p)} m off`);
    assert.ok(p.d >= prev, 'p.d >= prev');
    prev = p.d;
  }
});

test('bearings follow the polyline and flip when driving backwards', () => {
  for (let d = 100; d < route.length - 100; d += 50) {
    const fwd = route.bearingAt(d, 1);
    assert.ok(fwd >= 0 && fwd < 360, 'fwd >= 0 && fwd < 360');
    assert.ok(bearingDiff(route.bearingAt(d, -1), fwd) > 179.9, 'bearingDiff(route.bearingAt(d, -1), fwd) > 179.9');
    // The direction from 15 m behind to 15 m ahead: the road may curve, not turn round.
    const chord = bearingDeg(route.pointAtDistance(d - 15), route.pointAtDistance(d + 15));
    assert.ok(bearingDiff(fwd, chord) < 45, `at ${d} m: ${fwd.toFixed(0)}° vs ${chord.toFixed(0)}°`);
  }
});

test('slowSpan trims the route ends to where the recorded car is slow', () => {
  const [first, last] = route.slowSpan(12 / 3.6);
  assert.ok(route.speedAt(0) * 3.6 > 12, 'the recording starts in motion');
  assert.ok(first > 0 && last > first && last <= route.duration, 'first > 0 && last > first && last <= route.duration');
  assert.ok(route.speedAt(first) * 3.6 <= 12, 'route.speedAt(first) * 3.6 <= 12');
  assert.ok(route.speedAt(last) * 3.6 <= 12, 'route.speedAt(last) * 3.6 <= 12');
});
