import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoginLimiter } from '../../main/server/auth/login-limiter';

function limiter(opts: Partial<{ windowMs: number; maxPerAccount: number; maxPerAddress: number }> = {}) {
  const clock = { now: 1_000_000 };
  const l = new LoginLimiter({ windowMs: 60_000, maxPerAccount: 3, maxPerAddress: 5, ...opts }, () => clock.now);
  return { l, clock };
}

test('allows until an account reaches its failure limit, then says how long to wait', () => {
  const { l, clock } = limiter();
  assert.equal(l.retryAfter('acme/OF_1', '10.0.0.1'), 0);
  l.fail('acme/OF_1', '10.0.0.1');
  clock.now += 1000;
  l.fail('acme/OF_1', '10.0.0.1');
  assert.equal(l.retryAfter('acme/OF_1', '10.0.0.1'), 0, 'two failures are fine');
  clock.now += 1000;
  l.fail('acme/OF_1', '10.0.0.1');
  // The oldest of the last 3 failures (at t0) leaves the window at t0 + 60 s; now is t0 + 2 s.
  assert.equal(l.retryAfter('acme/OF_1', '10.0.0.1'), 58);
  assert.equal(l.retryAfter('acme/OF_1', '10.9.9.9'), 58, 'the account is limited from any address');
  assert.equal(l.retryAfter('acme/OF_2', '10.9.9.9'), 0, 'other accounts are not');
});

test('the window slides: failures older than windowMs no longer count', () => {
  const { l, clock } = limiter();
  const t0 = clock.now;
  for (let i = 0; i < 3; i++) l.fail('a', 'ip');
  assert.equal(l.retryAfter('a', 'ip'), 60);
  clock.now = t0 + 59_500;
  assert.equal(l.retryAfter('a', 'ip'), 1, 'rounded up to whole seconds');
  clock.now = t0 + 60_000;
  assert.equal(l.retryAfter('a', 'ip'), 0);
  l.fail('a', 'ip');
  assert.equal(l.retryAfter('a', 'ip'), 0, 'only one failure in the window now');
});

test('an address is limited across accounts', () => {
  const { l, clock } = limiter();
  for (let i = 0; i < 5; i++) {
    l.fail(`user-${i}`, '192.168.1.9');
    clock.now += 100;
  }
  assert.ok(l.retryAfter('user-new', '192.168.1.9') > 0, 'a fresh account from the same address must wait');
  assert.equal(l.retryAfter('user-new', '192.168.1.10'), 0);
  assert.equal(l.retryAfter('user-0', '192.168.1.10'), 0, 'one failure per account stays under its limit');
});

test('success clears the account’s failures but not the address’s', () => {
  const { l } = limiter({ maxPerAddress: 4 });
  for (let i = 0; i < 3; i++) l.fail('a', 'ip');
  assert.ok(l.retryAfter('a', 'other-ip') > 0);
  l.succeed('a');
  assert.equal(l.retryAfter('a', 'other-ip'), 0);
  l.fail('b', 'ip');
  assert.ok(l.retryAfter('c', 'ip') > 0, 'the address still has 4 failures');
});
