/** The share ETA without a routing service: smoothed speed, the detour factor and the city-traffic floor. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SPEED_FLOOR_MS, smoothedSpeed, straightLineEta } from '../../main/server/shares/eta';
import { mergeShareSettings } from '../../main/server/shares/settings';
import { DEFAULT_SHARE_SETTINGS } from '../../shared/api/shares';
import { distanceM, offsetM } from '../../shared/geo';

const A = { lat: 48.137, lng: 11.575 };

test('smoothed speed is path length over elapsed device time; too few or too short is null', () => {
  const fixes = Array.from({ length: 61 }, (_, i) => ({ ...offsetM(A, i * 10, 0), deviceTime: i * 1000 }));
  assert.ok(Math.abs(smoothedSpeed(fixes)! - 10) < 0.01, 'Math.abs(smoothedSpeed(fixes)! - 10) < 0.01');
  assert.equal(smoothedSpeed(fixes.slice(0, 1)), null);
  assert.equal(smoothedSpeed(fixes.slice(0, 5)), null, 'under 10 s');
  // A zig-zag counts its whole path, not the displacement.
  const zig = Array.from({ length: 21 }, (_, i) => ({ ...offsetM(A, 0, i % 2 === 0 ? 0 : 50), deviceTime: i * 1000 }));
  assert.ok(Math.abs(smoothedSpeed(zig)! - 50) < 0.1, 'Math.abs(smoothedSpeed(zig)! - 50) < 0.1');
});

test('straight-line ETA: distance × detour factor over the speed, never slower than the floor', () => {
  const to = offsetM(A, 10_000, 0);
  const now = Date.UTC(2026, 0, 1);
  const eta = straightLineEta(A, to, 1.3, 10, now);
  assert.equal(eta.method, 'straight_line');
  assert.equal(eta.distance_m, Math.round(distanceM(A, to) * 1.3));
  assert.equal(eta.seconds, Math.round((distanceM(A, to) * 1.3) / 10));
  assert.equal(eta.arrival_at, new Date(now + eta.seconds * 1000).toISOString());
  const standing = straightLineEta(A, to, 1.3, 0, now);
  assert.equal(standing.seconds, Math.round((distanceM(A, to) * 1.3) / SPEED_FLOOR_MS), 'a van at a red light still arrives');
  assert.equal(straightLineEta(A, to, 1.3, null, now).seconds, standing.seconds);
  assert.equal(straightLineEta(A, A, 1.3, 10, now).seconds, 0);
});

test('share settings: defaults, stored changes overlaid, values that no longer pass fall back per key', () => {
  assert.deepEqual(mergeShareSettings(null), DEFAULT_SHARE_SETTINGS);
  assert.deepEqual(mergeShareSettings('not json'), DEFAULT_SHARE_SETTINGS);
  const m = mergeShareSettings(JSON.stringify({ detour_factor: 1.6, frame_origins: ['https://a.example'], arrived_radius_m: 1, routing_url: 42, junk: true }));
  assert.equal(m.detour_factor, 1.6);
  assert.deepEqual(m.frame_origins, ['https://a.example']);
  assert.equal(m.arrived_radius_m, DEFAULT_SHARE_SETTINGS.arrived_radius_m, 'below the minimum');
  assert.equal(m.routing_url, null, 'not a string');
  assert.ok(!('junk' in m), '!(\'junk\' in m)');
  const again = mergeShareSettings(null);
  again.frame_origins.push('x');
  assert.deepEqual(DEFAULT_SHARE_SETTINGS.frame_origins, [], 'the defaults are not shared by reference');
});
