/**
 * Server-side crash detection (main/server/crash/detector.ts) on synthetic 1 Hz speed series:
 * a crash-like drop followed by 30 s of stillness is detected (once); hard but normal braking
 * to a stop, a stop followed by driving away within 30 s, a single noisy speed reading of a
 * parked phone, a frozen GPS receiver and GPS jitter around a stop are not, nor is anything in
 * a real 1 Hz Munich drive with nine traffic-light stops. (The driver app's accelerometer detector
 * has its own test: test/unit/crash-detector.test.ts.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { distanceM, offsetM } from '../../shared/geo';
import { SpeedDropDetector, type DetectorFix, type SpeedDrop } from '../../main/server/crash/detector';
import { realworldPath } from '../support/realworld';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
const BASE = { lat: 48.137, lng: 11.575 };

/** 1 Hz fixes for `seconds`, speed (m/s) per second, moving north by that speed; `jitterM(s)` adds east noise. */
function drive(seconds: number, speedAt: (s: number) => number, jitterM: (s: number) => number = () => 0): DetectorFix[] {
  const out: DetectorFix[] = [];
  let north = 0;
  for (let s = 0; s < seconds; s++) {
    const v = speedAt(s);
    const p = offsetM(BASE, north, jitterM(s));
    out.push({ time: T0 + s * 1000, lat: p.lat, lng: p.lng, speed: v });
    north += v;
  }
  return out;
}

function run(fixes: DetectorFix[]): SpeedDrop[] {
  const d = new SpeedDropDetector();
  return fixes.map((f) => d.push(f)).filter((x): x is SpeedDrop => x !== null);
}

test('50 km/h to standstill in 1 s, then 40 s still: one detection at the standstill fix', () => {
  const hits = run(drive(100, (s) => (s < 60 ? 14 : 0)));
  assert.equal(hits.length, 1);
  const h = hits[0] as SpeedDrop;
  assert.equal(h.time, T0 + 60_000);
  assert.equal(h.fromSpeed, 14);
  assert.equal(h.deceleration, 14);
  assert.equal(h.dropSeconds, 1);
  assert.equal(h.stillSeconds, 30);
});

test('60 km/h to 3 km/h over 2 s (8 m/s²): detected', () => {
  const hits = run(drive(100, (s) => (s < 60 ? 16.7 : s === 60 ? 9 : s === 61 ? 0.8 : 0)));
  assert.equal(hits.length, 1);
  assert.ok((hits[0] as SpeedDrop).deceleration >= 8, '(hits[0] as SpeedDrop).deceleration >= 8');
});

test('hard but normal braking to a traffic light (4 m/s²) and waiting there 60 s: not detected', () => {
  // 50 km/h, then −4 m/s² for 3.5 s, then stopped for 60 s
  const hits = run(drive(140, (s) => (s < 60 ? 14 : Math.max(0, 14 - 4 * (s - 59)))));
  assert.equal(hits.length, 0);
});

test('emergency-level braking (6 m/s²) to a stop: not a crash either', () => {
  const hits = run(drive(140, (s) => (s < 60 ? 14 : Math.max(0, 14 - 6 * (s - 59)))));
  assert.equal(hits.length, 0);
});

test('a sharp stop, then driving away within 30 s: not detected', () => {
  const hits = run(drive(140, (s) => (s < 60 ? 14 : s < 80 ? 0 : 10)));
  assert.equal(hits.length, 0);
});

test('a parked phone with one noisy 40 km/h speed reading: not detected', () => {
  const hits = run(drive(120, (s) => (s === 50 ? 11 : 0)));
  assert.equal(hits.length, 0);
});

test('a dropout to 0 km/h for one fix while driving on: not detected', () => {
  const hits = run(drive(120, (s) => (s === 60 ? 0 : 14)));
  assert.equal(hits.length, 0);
});

test('noisy GPS: ±8 m jitter and 0–1.5 m/s speed noise at the crash site still count as still', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const hits = run(drive(120, (s) => (s < 60 ? 13 + rnd() : rnd() * 1.5), (s) => (s < 60 ? 0 : (rnd() - 0.5) * 16)));
  assert.equal(hits.length, 1);
});

test('a frozen GPS receiver (the last fix repeated, speed 0) after driving: not detected', () => {
  const moving = drive(60, () => 14);
  const last = moving.at(-1) as DetectorFix;
  const frozen = Array.from({ length: 40 }, (_, i) => ({ ...last, time: last.time + (i + 1) * 1000, speed: 0 }));
  assert.equal(run([...moving, ...frozen]).length, 0);
});

test('sparse fixes (every 15 s) cannot show a drop this sharp: not detected', () => {
  const hits = run(drive(200, (s) => (s < 90 ? 14 : 0)).filter((_, i) => i % 15 === 0));
  assert.equal(hits.length, 0);
});

test('replayed or duplicate fixes are ignored; the same trace fed twice to one detector detects once', () => {
  const fixes = drive(100, (s) => (s < 60 ? 14 : 0));
  const d = new SpeedDropDetector();
  const first = fixes.map((f) => d.push(f)).filter(Boolean);
  const again = fixes.map((f) => d.push(f)).filter(Boolean);
  assert.equal(first.length, 1);
  assert.equal(again.length, 0);
});

test('a real 1 Hz drive in Munich with 9 traffic-light stops (shared/realworld/traces/barefoot-munich-x0001-001.json): no detection', () => {
  const file = realworldPath('traces/barefoot-munich-x0001-001.json');
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { point: string; time: string }[];
  const points = raw.map((r) => {
    const [lng, lat] = (/POINT\(([-\d.]+) ([-\d.]+)\)/.exec(r.point) as RegExpExecArray).slice(1).map(Number) as [number, number];
    return { time: Date.parse(r.time.replace(' ', 'T').replace(/([+-]\d\d)(\d\d)$/, '$1:$2')), lat, lng };
  });
  assert.equal(points.length, 1194);
  // The trace has no speeds: each fix gets the speed implied by the previous one (as a phone's
  // would roughly report); the one 470 m GPS jump is left out, as the ingest flags it.
  const fixes: DetectorFix[] = [];
  for (const p of points) {
    const prev = fixes.at(-1);
    const speed = prev ? distanceM(prev, p) / ((p.time - prev.time) / 1000) : 0;
    if (speed > 100) continue;
    fixes.push({ ...p, speed });
  }
  const stops = fixes.filter((f, i) => i > 0 && f.speed < 5 / 3.6 && (fixes[i - 1] as DetectorFix).speed >= 5 / 3.6).length;
  assert.ok(stops >= 9, `${stops} stops`);
  assert.deepEqual(run(fixes), []);
});

test('a device sending 10 fixes a second (more than the history first holds): the same single detection', () => {
  const fixes: DetectorFix[] = [];
  let north = 0;
  for (let i = 0; i < 1000; i++) {
    const v = i < 600 ? 14 : 0;
    const p = offsetM(BASE, north, 0);
    fixes.push({ time: T0 + i * 100, lat: p.lat, lng: p.lng, speed: v });
    north += v / 10;
  }
  const hits = run(fixes);
  assert.equal(hits.length, 1);
  const h = hits[0] as SpeedDrop;
  assert.equal(h.time, T0 + 60_000);
  assert.equal(h.fromSpeed, 14);
  assert.equal(h.dropSeconds, 0.1);
  assert.equal(h.stillSeconds, 30);
});
