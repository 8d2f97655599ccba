/** The driver app's crash detection (renderer/src/driver/crash-detector.ts) fed synthetic sensor samples. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { CrashDetector, magnitudeG, RecentFixes, STANDARD_GRAVITY, type CrashEvent, type MotionSample } from '../../renderer/src/driver/crash-detector';

const T0 = Date.UTC(2026, 10, 30, 8, 0, 0);
const G = STANDARD_GRAVITY;

/** A phone at rest in a holder: gravity on z, a little road noise, sampled at `hz`. */
function rest(from: number, ms: number, hz = 60): MotionSample[] {
  const out: MotionSample[] = [];
  for (let t = 0; t < ms; t += 1000 / hz) out.push({ t: from + t, x: 0.3 * Math.sin(t / 37), y: 0.2 * Math.cos(t / 53), z: G + 0.4 * Math.sin(t / 11) });
  return out;
}

function feed(d: CrashDetector, samples: MotionSample[]): CrashEvent[] {
  return samples.flatMap((s) => d.add(s));
}

test('normal driving never triggers, however long', () => {
  const d = new CrashDetector({ thresholdG: 4 });
  // Hard braking (≈1 g) and a pothole (≈2.5 g spike) stay under a 4 g threshold.
  const samples = [...rest(T0, 60_000), { t: T0 + 60_000, x: 9, y: 0, z: G }, { t: T0 + 60_010, x: 0, y: 0, z: 2.5 * G }, ...rest(T0 + 60_020, 5000)];
  assert.deepEqual(feed(d, samples), []);
  assert.equal(d.collecting, false);
  assert.equal(d.report(), null);
});

test('an impact above the threshold is reported at once, then completed 5 s later with ~10 s before it at ~10 Hz', () => {
  const d = new CrashDetector({ thresholdG: 4 });
  const before = feed(d, rest(T0, 20_000));
  assert.deepEqual(before, []);
  const impactAt = T0 + 20_000;
  // A 30 ms impact: 6 g then 8 g along x and y.
  const impact: MotionSample[] = [
    { t: impactAt, x: 4 * G, y: 4.5 * G, z: G },
    { t: impactAt + 15, x: 6 * G, y: 5 * G, z: 0 },
    { t: impactAt + 30, x: 2 * G, y: 1 * G, z: G },
  ];
  const atImpact = feed(d, impact);
  assert.equal(atImpact.length, 1);
  const first = atImpact[0]!;
  assert.equal(first.type, 'impact');
  assert.equal(first.type === 'impact' && first.at, impactAt);
  assert.ok(d.collecting, 'd.collecting');
  // "Send now" before the 5 s are over: a report of what is there, peak already known.
  const partial = d.report()!;
  assert.ok(Math.abs(partial.peak_g - magnitudeG({ x: 6 * G, y: 5 * G, z: 0 })) < 0.01, `peak ${partial.peak_g}`);

  const after = feed(d, rest(impactAt + 31, 6000));
  const complete = after.filter((e) => e.type === 'complete');
  assert.equal(complete.length, 1, JSON.stringify(after.map((e) => e.type)));
  const report = complete[0]!.type === 'complete' ? complete[0]!.report : null;
  assert.ok(report, 'report');
  assert.equal(report.impactAt, impactAt);
  assert.equal(report.threshold_g, 4);
  assert.ok(Math.abs(report.peak_g - 7.81) < 0.01, `peak ${report.peak_g}`);
  // Downsampled to one sample per 100 ms: 10 s before + 5 s after ≈ 150 samples (the input was 60 Hz).
  assert.ok(report.motion.length >= 145 && report.motion.length <= 155, `${report.motion.length} samples`);
  assert.ok(report.motion[0]!.t >= impactAt - 10_000 && report.motion[0]!.t < impactAt - 9_800, 'report.motion[0]!.t >= impactAt - 10_000 && report.motion[0]!.t < impactAt - 9_800');
  assert.ok(report.motion.at(-1)!.t >= impactAt + 4_900, 'report.motion.at(-1)!.t >= impactAt + 4_900');
  // The spike survives the downsampling (the strongest sample of its bucket is kept).
  const peakSample = report.motion.reduce((a, b) => (magnitudeG(b) > magnitudeG(a) ? b : a));
  assert.ok(Math.abs(magnitudeG(peakSample) - report.peak_g) < 0.01, 'Math.abs(magnitudeG(peakSample) - report.peak_g) < 0.01');
  for (let i = 1; i < report.motion.length; i++) assert.ok(report.motion[i]!.t > report.motion[i - 1]!.t, 'oldest first');
  assert.equal(d.collecting, false);
});

test('one crash gives one alert: shaking during the cooldown is ignored, a later impact counts again', () => {
  const d = new CrashDetector({ thresholdG: 3, cooldownMs: 30_000 });
  const spike = (t: number): MotionSample => ({ t, x: 0, y: 0, z: 5 * G });
  let events = feed(d, [spike(T0), ...rest(T0 + 1, 5100)]);
  assert.deepEqual(events.map((e) => e.type), ['impact', 'complete']);
  events = feed(d, [spike(T0 + 10_000), ...rest(T0 + 10_001, 1000)]);
  assert.deepEqual(events, [], 'within the cooldown');
  events = feed(d, [...rest(T0 + 11_001, 25_000), spike(T0 + 40_000)]);
  assert.deepEqual(events.map((e) => e.type), ['impact']);
});

test('a cancelled impact is dropped; the next one is detected', () => {
  const d = new CrashDetector({ thresholdG: 4 });
  feed(d, rest(T0, 2000));
  assert.equal(feed(d, [{ t: T0 + 2000, x: 0, y: 0, z: 6 * G }])[0]?.type, 'impact');
  d.cancel(T0 + 3000);
  assert.equal(d.collecting, false);
  assert.equal(d.report(), null);
  // No "complete" for the cancelled impact.
  assert.deepEqual(feed(d, rest(T0 + 3000, 6000)), []);
  assert.equal(feed(d, [{ t: T0 + 9100, x: 0, y: 0, z: 6 * G }])[0]?.type, 'impact');
});

test('samples that are not numbers are ignored, never a crash', () => {
  const d = new CrashDetector({ thresholdG: 4 });
  assert.deepEqual(d.add({ t: T0, x: Number.NaN, y: 0, z: 0 }), []);
  assert.deepEqual(d.add({ t: T0, x: Infinity, y: 0, z: 0 }), []);
  assert.deepEqual(d.add({ t: Number.NaN, x: 100, y: 100, z: 100 }), []);
  assert.equal(d.collecting, false);
});

test('the report never holds more than 600 samples', () => {
  // 1 ms buckets at 1 kHz: far more than 600 samples in 15 s.
  const d = new CrashDetector({ thresholdG: 4, bucketMs: 1 });
  const many: MotionSample[] = [];
  for (let t = 0; t < 10_000; t++) many.push({ t: T0 + t, x: 0, y: 0, z: G });
  feed(d, many);
  feed(d, [{ t: T0 + 10_000, x: 0, y: 0, z: 6 * G }]);
  assert.ok(d.report()!.motion.length <= 600, 'd.report()!.motion.length <= 600');
});

test('RecentFixes keeps the last 30 s of fixes, at most 120', () => {
  const r = new RecentFixes<{ timestamp: string; n: number }>();
  for (let i = 0; i < 60; i++) r.add({ timestamp: new Date(T0 + i * 1000).toISOString(), n: i });
  const kept = r.list();
  assert.equal(kept[0]!.n, 29);
  assert.equal(kept.at(-1)!.n, 59);
  const dense = new RecentFixes<{ timestamp: string }>();
  for (let i = 0; i < 500; i++) dense.add({ timestamp: new Date(T0 + i * 10).toISOString() });
  assert.equal(dense.list().length, 120);
});
