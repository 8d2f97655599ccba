import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import { systemClock } from '../../main/server/clock';

const setTimeoutAt = (at: number, fn: () => void) => systemClock.at(at, fn);

afterEach(() => mock.timers.reset());

test('setTimeoutAt fires at the given time', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  let fired = 0;
  setTimeoutAt(1_000_500, () => fired++);
  mock.timers.tick(499);
  assert.equal(fired, 0);
  mock.timers.tick(1);
  assert.equal(fired, 1);
});

test('setTimeoutAt fires at once for a time in the past', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  let fired = 0;
  setTimeoutAt(5, () => fired++);
  mock.timers.tick(0);
  assert.equal(fired, 1);
});

test('setTimeoutAt reaches beyond the ~24.8-day limit of one Node timer', () => {
  const start = 1_700_000_000_000;
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: start });
  const thirtyDays = 30 * 24 * 3600 * 1000;
  let fired = 0;
  setTimeoutAt(start + thirtyDays, () => fired++);
  mock.timers.tick(2 ** 31 - 1);
  assert.equal(fired, 0, 'not after the first (capped) timer');
  mock.timers.tick(thirtyDays - (2 ** 31 - 1) - 1);
  assert.equal(fired, 0);
  mock.timers.tick(1);
  assert.equal(fired, 1);
});

test('clear() cancels, also after a re-arm', () => {
  const start = 1_700_000_000_000;
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: start });
  let fired = 0;
  const near = setTimeoutAt(start + 100, () => fired++);
  near.clear();
  const far = setTimeoutAt(start + 2 ** 31 + 1000, () => fired++);
  mock.timers.tick(2 ** 31);
  far.clear();
  mock.timers.tick(10_000);
  assert.equal(fired, 0);
});
