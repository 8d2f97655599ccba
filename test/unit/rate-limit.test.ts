import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DriverRateLimit } from '../../main/server/ingest/rate-limit';

test('DriverRateLimit allows one update per interval per driver', () => {
  const rl = new DriverRateLimit(900);
  assert.equal(rl.allow(1, 10_000), true);
  assert.equal(rl.allow(1, 10_000), false, 'same instant');
  assert.equal(rl.allow(1, 10_899), false, 'just under the interval');
  assert.equal(rl.allow(2, 10_001), true, 'another driver has its own slot');
  assert.equal(rl.allow(1, 10_900), true, 'exactly the interval later');
  assert.equal(rl.allow(1, 11_000), false, 'measured from the last allowed update');
  assert.equal(rl.allow(1, 11_800), true);
});

test('refused updates do not move the window', () => {
  const rl = new DriverRateLimit(1000);
  assert.equal(rl.allow(7, 0), true);
  for (let t = 100; t < 1000; t += 100) assert.equal(rl.allow(7, t), false);
  assert.equal(rl.allow(7, 1000), true);
});

test('forget() clears a driver’s slot', () => {
  const rl = new DriverRateLimit(1000);
  assert.equal(rl.allow(3, 5000), true);
  assert.equal(rl.allow(3, 5001), false);
  rl.forget(3);
  assert.equal(rl.allow(3, 5002), true);
});

test('an interval of 0 allows everything', () => {
  const rl = new DriverRateLimit(0);
  for (let i = 0; i < 5; i++) assert.equal(rl.allow(1, 42), true);
});
