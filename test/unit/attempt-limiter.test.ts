/** Failed attempts per key with growing locks (main/server/auth/attempt-limiter.ts), on a moved clock. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AttemptLimiter, attemptKeys, DEFAULT_LIMITS, type AttemptRule } from '../../main/server/auth/attempt-limiter';
import { ManualClock } from '../support/manual-clock';

const MIN = 60_000;
function limiter() {
  const clock = new ManualClock(1_000_000);
  return { l: new AttemptLimiter(clock), clock };
}
const rule: AttemptRule = { max: 3, windowMs: MIN, maxLockMs: 8 * MIN };

test('allowed until the limit, then locked for the window; nothing counts while locked', () => {
  const { l, clock } = limiter();
  l.fail('k', rule);
  l.fail('k', rule);
  assert.equal(l.waitMs('k'), 0, 'two failures are fine');
  l.fail('k', rule);
  assert.equal(l.waitMs('k'), MIN);
  clock.advance(30_000);
  assert.equal(l.waitMs('k'), 30_000);
  clock.advance(30_000);
  assert.equal(l.waitMs('k'), 0, 'the lock ends with the window');
  assert.equal(l.waitMs('other'), 0, 'other keys are not affected');
});

test('failures spread over more than a window never lock', () => {
  const { l, clock } = limiter();
  for (let i = 0; i < 20; i++) {
    l.fail('slow', rule);
    clock.advance(31_000); // two per window at most
  }
  assert.equal(l.waitMs('slow'), 0);
});

test('each further lock doubles, up to maxLockMs; a success forgets everything', () => {
  const { l, clock } = limiter();
  const locks: number[] = [];
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 3; i++) l.fail('g', rule);
    locks.push(l.waitMs('g'));
    clock.advance(l.waitMs('g'));
  }
  assert.deepEqual(locks, [1, 2, 4, 8, 8, 8].map((m) => m * MIN));
  l.succeed('g');
  for (let i = 0; i < 3; i++) l.fail('g', rule);
  assert.equal(l.waitMs('g'), MIN, 'back to the first lock');
});

test('strikes are forgotten a maxLockMs after the last failure', () => {
  const { l, clock } = limiter();
  for (let i = 0; i < 3; i++) l.fail('s', rule);
  clock.advance(MIN);
  for (let i = 0; i < 3; i++) l.fail('s', rule);
  assert.equal(l.waitMs('s'), 2 * MIN);
  clock.advance(2 * MIN + 8 * MIN + 1);
  for (let i = 0; i < 3; i++) l.fail('s', rule);
  assert.equal(l.waitMs('s'), MIN);
});

test('memory stays flat under a stream of distinct failed account names (sweeps on the clock)', () => {
  const { l, clock } = limiter();
  const keys = attemptKeys({ ...DEFAULT_LIMITS, windowMs: MIN });
  const sizes: number[] = [];
  for (let minute = 0; minute < 60; minute++) {
    for (let i = 0; i < 2000; i++) {
      const k = keys.account(`made-up-${minute}-${i}`, '203.0.113.7');
      l.fail(k.key, k.rule);
    }
    clock.advance(MIN);
    l.sweep();
    sizes.push(l.size);
  }
  // 120,000 distinct names failed; only the last minute or two are held
  assert.ok(Math.max(...sizes) <= 4000, `held ${Math.max(...sizes)}`);
  assert.ok(sizes.at(-1)! <= 2000, 'sizes.at(-1)! <= 2000');
  clock.advance(2 * MIN);
  l.sweep();
  assert.equal(l.size, 0);
});

test('the keys: one account from one address, one address, one phone address are separate', () => {
  const k = attemptKeys(DEFAULT_LIMITS);
  assert.notEqual(k.account('acme\u0000ops', '10.0.0.1').key, k.account('acme\u0000ops', '10.0.0.2').key);
  assert.notEqual(k.address('10.0.0.1').key, k.phone('10.0.0.1').key);
  assert.equal(k.account('a', 'b').rule.max, DEFAULT_LIMITS.maxPerAccount);
  assert.equal(k.phone('b').rule.max, DEFAULT_LIMITS.maxPhoneFailures);
});
