/**
 * The per-driver rate limit (ingest/rate-limit.ts) and the event-loop lag it reads
 * (loop-lag.ts): one update per interval while the server is on time; updates the server read
 * late and together are not refused, yet over time the rate stays one per interval.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DriverRateLimit } from '../../main/server/ingest/rate-limit';
import { LoopLag } from '../../main/server/loop-lag';

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

test('a late server: updates read together after a stall are accepted, and a flood still is not', () => {
  let lag = 0;
  const rl = new DriverRateLimit(900, () => lag);
  // The phone sends at 0 and 1000; the server stalls and reads the first at 1200 (lag 1200) and the second at 1210.
  lag = 1200;
  assert.equal(rl.allow(1, 1200), true);
  assert.equal(rl.allow(1, 1210), true, 'read 10 ms apart only because the server was late');
  // A third one at the same moment would be more than two per interval: refused.
  assert.equal(rl.allow(1, 1211), false);
  // The credit is at most one interval: a phone flooding at 10 a second through a long stall
  // gains one extra update, and over 10 s stays at one per interval.
  lag = 60_000;
  const accepted = Array.from({ length: 100 }, (_, i) => rl.allow(7, 50_000 + i * 100)).filter(Boolean).length;
  assert.ok(accepted <= Math.floor(10_000 / 900) + 2, `accepted ${accepted} of 100 in 10 s`);
  assert.ok(accepted >= 10, `accepted ${accepted} of 100 in 10 s`);
  // Back on time: strict again.
  lag = 0;
  assert.equal(rl.allow(9, 100_000), true);
  assert.equal(rl.allow(9, 100_500), false);
});

test('LoopLag knows of a stall while it lasts, before its probe can fire', async () => {
  const lag = new LoopLag();
  lag.start();
  await new Promise((r) => setTimeout(r, 120));
  const end = Date.now() + 300;
  while (Date.now() < end) {
    // a synchronous stall of 300 ms, read from inside
  }
  assert.ok(lag.ms >= 200, `measured ${lag.ms} ms during the stall`);
  lag.stop();
});

test('LoopLag measures a stalled event loop and reads 0 when stopped', async () => {
  const lag = new LoopLag();
  lag.start();
  await new Promise((r) => setTimeout(r, 120));
  const end = Date.now() + 400;
  while (Date.now() < end) {
    // a synchronous stall of 400 ms
  }
  await new Promise((r) => setTimeout(r, 120));
  assert.ok(lag.ms >= 250, `measured ${lag.ms} ms`);
  lag.stop();
  assert.equal(lag.ms, 0);
});
