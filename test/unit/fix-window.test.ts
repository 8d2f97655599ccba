/** FixWindow (trips/fix-window.ts) keeps fixes as a plain array of them would, through growth, clear and release. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { DetectorFix } from '../../main/server/trips/detector';
import { FixWindow } from '../../main/server/trips/fix-window';
import { distanceM } from '../../shared/geo';

const fix = fc.record({
  t: fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
  lat: fc.double({ min: -89, max: 89, noNaN: true }),
  lng: fc.double({ min: -179, max: 179, noNaN: true }),
});
const op = fc.oneof(
  { weight: 8, arbitrary: fix.map((f) => ({ kind: 'push' as const, f })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'release' as const }) },
);

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length;
  return m % 2 ? (s[(m - 1) >> 1] as number) : ((s[m / 2 - 1] as number) + (s[m / 2] as number)) / 2;
}

test('FixWindow answers as an array of fixes would: times, distances and the median', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
      const w = new FixWindow();
      let model: DetectorFix[] = [];
      for (const o of ops) {
        if (o.kind === 'push') {
          w.push(o.f);
          model.push(o.f);
        } else {
          if (o.kind === 'clear') w.clear();
          else w.release();
          model = [];
        }
        assert.equal(w.length, model.length);
      }
      const probe = { lat: 10.5, lng: 20.25 };
      model.forEach((f, k) => {
        assert.equal(w.t(k), f.t);
        assert.equal(w.distanceTo(k, probe), distanceM(f, probe));
      });
      if (model.length > 0) {
        assert.deepEqual(w.median(), { lat: medianOf(model.map((f) => f.lat)), lng: medianOf(model.map((f) => f.lng)) });
      }
    }),
    { numRuns: 300 },
  );
});

test('a window of a three-minute stop at 1 Hz grows past its first room and keeps every fix exactly', () => {
  const w = new FixWindow();
  const t0 = 1_765_000_000_123;
  for (let k = 0; k < 181; k++) w.push({ t: t0 + k * 1000, lat: 9.01 + k * 1e-6, lng: 38.75 });
  assert.equal(w.length, 181);
  assert.equal(w.t(0), t0);
  assert.equal(w.t(180), t0 + 180_000);
  assert.deepEqual(w.median(), { lat: 9.01 + 90 * 1e-6, lng: 38.75 });
  w.release();
  assert.equal(w.length, 0);
  w.push({ t: t0, lat: 1, lng: 2 });
  assert.equal(w.t(0), t0);
});

test('a window grown in a slow stretch gives its room back when the device moves on, and keeps only its first room otherwise', () => {
  const w = new FixWindow();
  const t0 = 1_765_000_000_000;
  for (let k = 0; k < 150; k++) w.push({ t: t0 + k * 1000, lat: 9.01, lng: 38.75 });
  assert.ok(w.capacity >= 150, 'grown for the slow stretch');
  w.clear(); // the device left the stop radius
  assert.equal(w.length, 0);
  assert.equal(w.capacity, 0, 'the grown room is given back');
  w.push({ t: t0 + 200_000, lat: 9.02, lng: 38.75 });
  const first = w.capacity;
  assert.ok(first > 0 && first < 150, 'a fresh window starts with its first room');
  for (let k = 1; k < 20; k++) w.push({ t: t0 + 200_000 + k * 1000, lat: 9.02, lng: 38.75 });
  w.clear(); // moving on after a short window: the first room stays
  assert.equal(w.capacity, first);
  w.push({ t: t0 + 300_000, lat: 1, lng: 2 });
  assert.equal(w.t(0), t0 + 300_000);
  assert.equal(w.length, 1);
});
