/** The driver app's pure sending logic (renderer/src/driver/wire.ts): payloads, throttling, live vs batch plans, backoff. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { Value } from 'typebox/value';
import { BatchedLocation } from '../../shared/protocol/device';
import { backoffDelay } from '../../shared/tracking-client';
import { BACKOFF, FixThrottle, planSends, toPayload, type QueuedFix } from '../../renderer/src/driver/wire';
import { codeFromHash, codeFromText } from '../../renderer/src/driver/enrol-code';

const T0 = Date.UTC(2026, 10, 30, 8, 0, 0);

test('toPayload: m/s → km/h, unknown speed and heading → 0, ISO device time; valid on the wire', () => {
  const p = toPayload({ coords: { latitude: 48.1, longitude: 11.5, accuracy: 8, altitude: 520, speed: 10, heading: 90 }, timestamp: T0 });
  assert.deepEqual(p, { lat: 48.1, lng: 11.5, speed: 36, bearing: 90, accuracy: 8, altitude: 520, timestamp: new Date(T0).toISOString() });
  assert.ok(Value.Check(BatchedLocation, p), 'Value.Check(BatchedLocation, p)');
  const unknown = toPayload({ coords: { latitude: -33.9, longitude: 151.2, accuracy: 30, altitude: null, speed: null, heading: Number.NaN }, timestamp: T0 });
  assert.equal(unknown.speed, 0);
  assert.equal(unknown.bearing, 0);
  assert.equal('altitude' in unknown, false);
  assert.ok(Value.Check(BatchedLocation, unknown), 'Value.Check(BatchedLocation, unknown)');
  // A negative speed (some browsers' "unknown") is 0, never a refused fix.
  assert.equal(toPayload({ coords: { latitude: 1, longitude: 1, accuracy: 5, speed: -1 }, timestamp: T0 }).speed, 0);
});

test('FixThrottle keeps one fix per interval of device time', () => {
  const t = new FixThrottle(1000);
  const kept = [0, 200, 999, 1000, 1500, 2100, 2200, 3100].filter((ms) => t.accept(T0 + ms));
  assert.deepEqual(kept, [0, 1000, 2100, 3100]);
  // A clock stepping back (time zone, NTP) does not stall the queue.
  assert.equal(t.accept(T0 - 60_000), true);
});

const fix = (seq: number): QueuedFix => ({ seq, payload: { lat: 1, lng: 2, speed: 0, bearing: 0, timestamp: new Date(T0 + seq * 1000).toISOString() } });
const opts = { maxBatch: 3, maxBatches: 2, batchesInFlight: 0, liveAllowed: true };

test('planSends: a lone newest fix goes live', () => {
  assert.deepEqual(planSends([fix(1)], new Set(), opts), [{ kind: 'live', fix: fix(1) }]);
  // In flight already: nothing to do.
  assert.deepEqual(planSends([fix(1)], new Set([1]), opts), []);
  // The previous live send is too recent: it goes as a batch of one (batches are not rate limited).
  assert.deepEqual(planSends([fix(1)], new Set(), { ...opts, liveAllowed: false }), [{ kind: 'batch', fixes: [fix(1)] }]);
  // A newer fix while the previous one is in flight: live.
  assert.deepEqual(planSends([fix(1), fix(2)], new Set([1]), opts), [{ kind: 'live', fix: fix(2) }]);
});

test('planSends: a backlog goes oldest-first in batches of max_batch, at most maxBatches in flight', () => {
  const pending = [7, 3, 1, 2, 5, 4, 6, 8].map(fix);
  const plans = planSends(pending, new Set(), opts);
  assert.deepEqual(
    plans.map((p) => (p.kind === 'batch' ? p.fixes.map((f) => f.seq) : p.kind)),
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
  );
  // One batch still in flight: one more goes.
  const next = planSends(pending, new Set([1, 2, 3]), { ...opts, batchesInFlight: 1 });
  assert.deepEqual(next.map((p) => (p.kind === 'batch' ? p.fixes.map((f) => f.seq) : p.kind)), [[4, 5, 6]]);
  // Every fix is eventually planned: after the first two batches are acknowledged, the rest.
  const rest = planSends([7, 8].map(fix), new Set(), opts);
  assert.deepEqual(rest.map((p) => (p.kind === 'batch' ? p.fixes.map((f) => f.seq) : p.kind)), [[7, 8]]);
});

test('backoff doubles from ~1 s to at most ~30 s', () => {
  const backoffMs = (attempt: number, random: () => number) => backoffDelay(BACKOFF, attempt, random);
  assert.equal(backoffMs(0, () => 0.5), 1000);
  assert.equal(backoffMs(3, () => 0.5), 8000);
  assert.equal(backoffMs(20, () => 0.5), 30_000);
  assert.ok(backoffMs(20, () => 1) <= 36_000, 'backoffMs(20, () => 1) <= 36_000');
  assert.ok(backoffMs(0, () => 0) >= 800, 'backoffMs(0, () => 0) >= 800');
});

test('enrolment codes from the link, a pasted link or a bare code', () => {
  assert.equal(codeFromHash('#enrol=abc_DEF-123'), 'abc_DEF-123');
  assert.equal(codeFromHash('#other=1'), null);
  assert.equal(codeFromHash(''), null);
  assert.equal(codeFromText('  https://10.0.0.5:8766/driver#enrol=abc_DEF-123 '), 'abc_DEF-123');
  assert.equal(codeFromText('enrol=xyz12345'), 'xyz12345');
  assert.equal(codeFromText('abc_DEF-123'), 'abc_DEF-123');
  assert.equal(codeFromText('hello world'), null);
  assert.equal(codeFromText('https://example.com/driver'), null);
  assert.equal(codeFromText(''), null);
});
