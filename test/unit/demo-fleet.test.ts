/** The demo's drivers, the fleet plan and the seeded random generator. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_DRIVER_COUNT, demoDrivers, planFleet } from '../../main/demo/fleet';
import { createRng } from '../../main/demo/rng';
import { Route } from '../../main/demo/route';
import { loadTrace } from '../../main/demo/trace';
import { ID_REGEX } from '../../shared/ids';

const route = Route.fromTrace(loadTrace());

test('25 drivers with believable, distinct profiles', () => {
  const drivers = demoDrivers();
  assert.equal(drivers.length, DEMO_DRIVER_COUNT);
  assert.equal(DEMO_DRIVER_COUNT, 25);
  assert.deepEqual(drivers[6], {
    userId: 'van-07',
    displayName: 'Van 07',
    firstName: 'Katarzyna',
    lastName: 'Nowak',
    phone: '+49 151 0000 4322',
    plate: 'M-DL 1243',
  });
  for (const key of ['userId', 'displayName', 'phone', 'plate'] as const) {
    assert.equal(new Set(drivers.map((d) => d[key])).size, drivers.length, `${key} unique`);
  }
  for (const d of drivers) {
    assert.match(d.userId, ID_REGEX);
    assert.match(d.phone, /^\+49 151 0000 \d{4}$/);
    assert.match(d.plate, /^M-DL \d{4}$/);
    assert.ok(d.firstName.length > 1 && d.lastName.length > 1, 'd.firstName.length > 1 && d.lastName.length > 1');
  }
  assert.equal(demoDrivers(3).length, 3);
  assert.throws(() => demoDrivers(0), /1 to 25 drivers/);
  assert.throws(() => demoDrivers(26), /1 to 25 drivers/);
});

test('the fleet plan: a few parked, two flaky, the rest delivering, spread along the route', () => {
  const plan = planFleet(route, 25, 7);
  const kinds = plan.map((p) => p.kind);
  assert.equal(kinds.filter((k) => k === 'parked').length, 3);
  assert.equal(kinds.filter((k) => k === 'flaky').length, 2);
  assert.equal(kinds.filter((k) => k === 'delivery').length, 20);
  const taus = plan.map((p) => p.startTau);
  for (let i = 1; i < taus.length; i++) assert.ok(taus[i]! > taus[i - 1]!, 'each starts further along the route');
  assert.ok(taus[0]! >= 0 && taus.at(-1)! <= route.duration, 'taus[0]! >= 0 && taus.at(-1)! <= route.duration');
  assert.ok(plan.some((p) => p.direction === 1) && plan.some((p) => p.direction === -1), 'plan.some((p) => p.direction === 1) && plan.some((p) => p.direction === -1)');
  assert.ok(plan.some((p) => p.startStopped) && plan.some((p) => !p.startStopped), 'plan.some((p) => p.startStopped) && plan.some((p) => !p.startStopped)');
  assert.deepEqual(planFleet(route, 25, 7), plan, 'deterministic for a seed');
  assert.notDeepEqual(planFleet(route, 25, 8), plan);
});

test('a small fleet is all delivery vans', () => {
  assert.deepEqual(
    planFleet(route, 3, 1).map((p) => p.kind),
    ['delivery', 'delivery', 'delivery'],
  );
});

test('the seeded generator is reproducible and stays in range', () => {
  const a = createRng(123);
  const b = createRng(123);
  const seqA = Array.from({ length: 1000 }, () => a.next());
  assert.deepEqual(Array.from({ length: 1000 }, () => b.next()), seqA);
  assert.ok(seqA.every((x) => x >= 0 && x < 1), 'seqA.every((x) => x >= 0 && x < 1)');
  assert.ok(Math.abs(seqA.reduce((s, x) => s + x, 0) / seqA.length - 0.5) < 0.05, 'roughly uniform');
  const r = createRng(5);
  for (let i = 0; i < 1000; i++) {
    const x = r.range(30, 180);
    assert.ok(x >= 30 && x < 180, 'x >= 30 && x < 180');
    const n = r.int(1, 3);
    assert.ok(Number.isInteger(n) && n >= 1 && n <= 3, 'Number.isInteger(n) && n >= 1 && n <= 3');
    assert.ok(Math.abs(r.gauss()) <= 6, 'Math.abs(r.gauss()) <= 6');
  }
});
