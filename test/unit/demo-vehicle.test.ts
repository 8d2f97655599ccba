/** The simulated vehicle state machine, run for hours of model time with seeded randomness. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearingDeg, bearingDiff, distanceM, type LatLng } from '../../shared/geo';
import { createRng } from '../../main/demo/rng';
import { Route } from '../../main/demo/route';
import { loadTrace } from '../../main/demo/trace';
import { DELIVERY_STOP_S, PARKED_REPORT_S, SILENCE_S, STOP_BELOW_KMH, STOPPED_REPORT_S, Vehicle, type Fix, type VehicleKind, type VehicleState } from '../../main/demo/vehicle';

const route = Route.fromTrace(loadTrace());

interface Sample {
  t: number;
  state: VehicleState;
  direction: 1 | -1;
  silent: boolean;
  fix: Fix | null;
}

function run(kind: VehicleKind, seed: number, seconds: number, opts: { startTau?: number; direction?: 1 | -1; dt?: number } = {}): Sample[] {
  const v = new Vehicle(route, createRng(seed), kind, { startTau: opts.startTau ?? 300, direction: opts.direction ?? 1 });
  const dt = opts.dt ?? 1;
  const out: Sample[] = [];
  for (let t = 0; t < seconds; t += dt) {
    const fix = v.step(dt);
    out.push({ t, state: structuredClone(v.state), direction: v.direction, silent: v.silent, fix });
  }
  return out;
}

/** Consecutive runs of samples for which `pred` holds. */
function runsOf(samples: Sample[], pred: (s: Sample) => boolean): Sample[][] {
  const runs: Sample[][] = [];
  let cur: Sample[] = [];
  for (const s of samples) {
    if (pred(s)) cur.push(s);
    else if (cur.length > 0) {
      runs.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) runs.push(cur);
  return runs;
}

const vans = [
  { seed: 1, startTau: 200, direction: 1 as const },
  { seed: 2, startTau: 600, direction: -1 as const },
  { seed: 3, startTau: 1000, direction: 1 as const },
  { seed: 4, startTau: 900, direction: -1 as const },
];
const HOURS = 2;
const delivery = vans.map((v) => run('delivery', v.seed, HOURS * 3600, v));

test('delivery vans report every second while driving, every few while standing, always at realistic speeds', () => {
  for (const samples of delivery) {
    const fixes = samples.filter((s) => s.fix);
    for (const s of samples) if (s.state.mode === 'driving') assert.ok(s.fix, `t=${s.t}: a driving van reports every second`);
    for (const r of runsOf(samples, (s) => s.state.mode === 'stopped')) {
      const reported = r.filter((s) => s.fix).length;
      assert.ok(Math.abs(reported - r.length / STOPPED_REPORT_S) <= 1, `${reported} fixes in a ${r.length} s stop`);
    }
    for (const { fix } of fixes) {
      assert.ok(fix!.speedKmh >= 0 && fix!.speedKmh <= 130, `${fix!.speedKmh} km/h`);
      assert.ok(fix!.bearing >= 0 && fix!.bearing < 360, 'fix!.bearing >= 0 && fix!.bearing < 360');
      assert.ok(fix!.accuracy >= 3 && fix!.accuracy <= 12, 'fix!.accuracy >= 3 && fix!.accuracy <= 12');
      assert.equal(fix!.ageSeconds, 0);
    }
    assert.ok(Math.max(...fixes.map((s) => s.fix!.speedKmh)) > 60, 'they also drive the fast stretch');
  }
});

test('no second covers more ground than 130 km/h allows: the GPS jump is not replayed', () => {
  for (const samples of delivery) {
    const fixes = samples.filter((s) => s.fix);
    for (let i = 1; i < fixes.length; i++) {
      const d = distanceM(fixes[i - 1]!.fix!, fixes[i]!.fix!);
      const seconds = fixes[i]!.t - fixes[i - 1]!.t;
      assert.ok(d <= (130 / 3.6) * seconds, `t=${fixes[i]!.t}: ${d.toFixed(1)} m in ${seconds} s`);
    }
  }
});

test('while driving, positions stay on the recorded route and agree with speed and bearing', () => {
  let checked = 0;
  for (const samples of delivery) {
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1]!;
      const b = samples[i]!;
      if (a.state.mode !== 'driving' || b.state.mode !== 'driving') continue;
      if (i % 7 === 0) assert.ok(route.distanceFrom(b.fix!) < 3, `t=${b.t}: ${route.distanceFrom(b.fix!).toFixed(1)} m off the route`);
      const d = distanceM(a.fix!, b.fix!);
      const reported = (a.fix!.speedKmh + b.fix!.speedKmh) / 2;
      assert.ok(Math.abs(d * 3.6 - reported) < 10, `t=${b.t}: moved ${(d * 3.6).toFixed(1)} km/h, reported ${reported}`);
      if (d >= 5) {
        const diff = bearingDiff(b.fix!.bearing, bearingDeg(a.fix!, b.fix!));
        assert.ok(diff < 35, `t=${b.t}: bearing ${b.fix!.bearing}° but moved towards ${bearingDeg(a.fix!, b.fix!).toFixed(0)}°`);
        checked++;
      }
    }
  }
  assert.ok(checked > 10_000, `${checked} moving steps checked`);
});

test('vans make delivery stops of 30–180 s, starting only once the recorded car is slow', () => {
  let stops = 0;
  for (const samples of delivery) {
    for (let i = 1; i < samples.length; i++) {
      const s = samples[i]!;
      const prev = samples[i - 1]!;
      if (s.state.mode !== 'stopped' || s.state.reason !== 'delivery' || prev.state.mode !== 'driving') continue;
      stops++;
      assert.ok(prev.fix!.speedKmh <= STOP_BELOW_KMH + 8, `braked from ${prev.fix!.speedKmh} km/h`);
      let j = i;
      while (j < samples.length && samples[j]!.state.mode === 'stopped') j++;
      if (j === samples.length) continue; // still stopped when the run ended
      const length = j - i;
      assert.ok(length >= DELIVERY_STOP_S[0] - 1 && length <= DELIVERY_STOP_S[1] + 1, `a ${length} s stop`);
    }
  }
  assert.ok(stops >= 4 * HOURS * 6, `${stops} delivery stops in ${4 * HOURS} van-hours`);
});

test('a standing van reports speed 0 with jitter around one spot, never drifting', () => {
  let longStops = 0;
  for (const samples of delivery) {
    let anchor: LatLng | null = null;
    let run: Fix[] = [];
    const close = (): void => {
      if (anchor && run.length >= 10) {
        longStops++;
        const mean = { lat: run.reduce((s, f) => s + f.lat, 0) / run.length, lng: run.reduce((s, f) => s + f.lng, 0) / run.length };
        assert.ok(distanceM(mean, anchor) < 1, `mean ${distanceM(mean, anchor).toFixed(2)} m from the stop`);
        const spread = Math.max(...run.map((f) => distanceM(f, run[0]!)));
        assert.ok(spread > 0.2, 'real phones jitter');
        // the last fixes are as close to the spot as the first: noise, not a random walk
        assert.ok(distanceM(run.at(-1)!, anchor) < 4.5, 'distanceM(run.at(-1)!, anchor) < 4.5');
      }
      anchor = null;
      run = [];
    };
    for (const s of samples) {
      if (s.state.mode !== 'stopped') {
        close();
        continue;
      }
      if (!anchor) anchor = s.state.anchor;
      if (!s.fix) continue;
      assert.equal(s.fix!.speedKmh, 0);
      assert.ok(distanceM(s.fix!, s.state.anchor) <= 4.5, `${distanceM(s.fix!, s.state.anchor).toFixed(1)} m from the stop`);
      run.push(s.fix!);
    }
  }
  assert.ok(longStops > 10, 'longStops > 10');
});

test('vans turn round and drive both ways along the route', () => {
  for (const samples of delivery) {
    const driving = samples.filter((s) => s.state.mode === 'driving');
    assert.ok(driving.some((s) => s.direction === 1) && driving.some((s) => s.direction === -1), 'driving.some((s) => s.direction === 1) && driving.some((s) => s.direction === -1)');
  }
  const turnarounds = delivery.flat().filter((s) => s.state.mode === 'stopped' && s.state.reason === 'turnaround');
  assert.ok(turnarounds.length > 0, 'some van reached an end of the route and turned round there');
});

test('the same seed gives the same fleet; another seed a different one', () => {
  const a = run('delivery', 42, 900);
  const b = run('delivery', 42, 900);
  const c = run('delivery', 43, 900);
  assert.deepEqual(a.map((s) => s.fix), b.map((s) => s.fix));
  assert.notDeepEqual(a.map((s) => s.fix), c.map((s) => s.fix));
});

test('a parked van never moves and reports every ten seconds', () => {
  const samples = run('parked', 5, 3600);
  const fixes = samples.flatMap((s) => (s.fix ? [s.fix] : []));
  assert.ok(fixes.length >= 3600 / PARKED_REPORT_S - 1 && fixes.length <= 3600 / PARKED_REPORT_S + 1, `${fixes.length} fixes`);
  const anchor = (samples[0]!.state as { anchor: LatLng }).anchor;
  for (const s of samples) assert.equal(s.state.mode, 'parked');
  for (const f of fixes) {
    assert.equal(f.speedKmh, 0);
    assert.ok(distanceM(f, anchor) <= 4.5, 'distanceM(f, anchor) <= 4.5');
  }
});

test('a flaky van starts offline with an old last fix, then goes silent for long stretches while it drives on', () => {
  const samples = run('flaky', 8, 6 * 3600);
  const first = samples[0]!.fix!;
  assert.ok(first.ageSeconds >= 12 * 60 && first.ageSeconds <= 16 * 60, `last fix ${first.ageSeconds} s old`);
  assert.equal(first.speedKmh, 0);
  const initialSilence = samples.slice(1).findIndex((s) => s.fix);
  assert.ok(initialSilence >= 3 * 60, `silent for ${initialSilence} s at first`);
  assert.ok(first.ageSeconds + initialSilence > 10 * 60, 'long enough for the console to show it offline');

  for (const s of samples.slice(1)) if (s.silent) assert.equal(s.fix, null, 'a silent phone sends nothing');
  const silences = runsOf(samples.slice(initialSilence + 1), (s) => s.fix === null);
  const long = silences.filter((r) => r.length >= SILENCE_S[0] - 1);
  assert.ok(long.length >= 1, 'it goes silent again later');
  for (const r of long) {
    assert.ok(r.length <= SILENCE_S[1] + 1, 'r.length <= SILENCE_S[1] + 1');
    assert.ok(r.some((s) => s.state.mode === 'driving'), 'the van keeps driving while its phone is silent');
  }
});

test('step(dt) runs the model at any pace: fractional seconds, or several seconds at once', () => {
  const quarter = run('delivery', 9, 60, { dt: 0.25 });
  assert.equal(quarter.filter((s) => s.fix).length, 60, 'still one fix a second');
  const fast = new Vehicle(route, createRng(9), 'delivery', { startTau: 300, direction: 1 });
  const v0 = fast.tau;
  fast.step(0);
  fast.step(5);
  assert.ok(fast.state.mode !== 'driving' || Math.abs(fast.tau - v0 - 5) < 1e-9, 'five seconds of recorded driving');
  assert.throws(() => fast.step(-1), /dt must be ≥ 0/);
  assert.throws(() => fast.step(Number.NaN), /dt must be ≥ 0/);
});
