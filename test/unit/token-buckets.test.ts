/** The share links' per-address limit: a token bucket on the injected clock, bounded in memory. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenBuckets } from '../../main/server/auth/token-buckets';
import { ManualClock } from '../support/manual-clock';

test('a burst, then the refill rate; the wait is in whole seconds; addresses are separate', () => {
  const clock = new ManualClock(0);
  const b = new TokenBuckets(clock, { burst: 3, perMinute: 6 });
  assert.deepEqual([b.take('a'), b.take('a'), b.take('a')], [0, 0, 0]);
  assert.equal(b.take('a'), 10, 'one token every 10 s');
  assert.equal(b.take('b'), 0);
  clock.advance(9_000);
  assert.equal(b.take('a'), 1);
  clock.advance(1_000);
  assert.equal(b.take('a'), 0);
  clock.advance(3_600_000);
  assert.deepEqual([b.take('a'), b.take('a'), b.take('a'), b.take('a') > 0], [0, 0, 0, true], 'never more than the burst');
});

test('full buckets are forgotten once many addresses were seen', () => {
  const clock = new ManualClock(0);
  const b = new TokenBuckets(clock, { burst: 2, perMinute: 60 });
  for (let i = 0; i < 10_000; i++) b.take(`10.0.${i >> 8}.${i & 255}`);
  clock.advance(5_000);
  b.take('last');
  assert.ok(b.size < 100, `${b.size}`);
});
