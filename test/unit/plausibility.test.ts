/**
 * Plausibility: GPS jumps are flagged, the track resumes on the next good fix, a real relocation
 * confirms itself with a second consistent fix, late fixes are not judged, accuracy widens the
 * allowance, and a device's first fix is judged against its stored latest position.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distanceM, offsetM } from '../../shared/geo';
import { MAX_PLAUSIBLE_SPEED_MS, Plausibility } from '../../main/server/ingest/plausibility';
import { FLAG_IMPLAUSIBLE } from '../../main/server/store/position-flags';
import type { PositionRow } from '../../main/server/store/positions';
import type { PositionRecord } from '../../main/server/ingest/position';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
const BASE = { lat: 9.01234, lng: 38.70321 };

/** A fix `northM` metres north of BASE at T0 + `s` seconds. */
function at(s: number, northM = 0, accuracy: number | null = 5): PositionRecord {
  const p = offsetM(BASE, northM, 0);
  return { lat: p.lat, lng: p.lng, speed: 10, bearing: 0, accuracy, altitude: null, deviceTime: T0 + s * 1000, serverTime: T0 + s * 1000 };
}

const none = () => undefined;

test('a 470 m jump in 1 s is flagged; the next fix back on track is accepted', () => {
  const pl = new Plausibility();
  assert.equal(pl.judge(1, at(0, 0), none), 0);
  assert.equal(pl.judge(1, at(1, 10), none), 0);
  const jump = at(2, 480);
  assert.ok(distanceM(at(1, 10), jump) > 460, 'distanceM(at(1, 10), jump) > 460');
  assert.equal(pl.judge(1, jump, none), FLAG_IMPLAUSIBLE);
  // back where the vehicle really is: judged against the last accepted fix, not the jump
  assert.equal(pl.judge(1, at(3, 30), none), 0);
  assert.equal(pl.judge(1, at(4, 40), none), 0);
});

test('a jump followed by another far fix inconsistent with it stays flagged', () => {
  const pl = new Plausibility();
  pl.judge(1, at(0, 0), none);
  assert.equal(pl.judge(1, at(1, 500), none), FLAG_IMPLAUSIBLE);
  // 1 km the other way from the first jump: neither near the track nor near the suspect
  assert.equal(pl.judge(1, at(2, -500), none), FLAG_IMPLAUSIBLE);
});

test('a real relocation is accepted on its second consistent fix, and the track continues from there', () => {
  const pl = new Plausibility();
  pl.judge(1, at(0, 0), none);
  assert.equal(pl.judge(1, at(5, 5000), none), FLAG_IMPLAUSIBLE); // 5 km in 5 s
  assert.equal(pl.judge(1, at(6, 5010), none), 0); // consistent with the first far fix
  assert.equal(pl.judge(1, at(7, 5020), none), 0);
  // the old place is now the jump
  assert.equal(pl.judge(1, at(8, 0), none), FLAG_IMPLAUSIBLE);
});

test('fast but possible travel is accepted: the limit is MAX_PLAUSIBLE_SPEED_MS', () => {
  const pl = new Plausibility();
  pl.judge(1, at(0, 0), none);
  assert.equal(pl.judge(1, at(10, (MAX_PLAUSIBLE_SPEED_MS - 5) * 10), none), 0); // 95 m/s for 10 s
  assert.equal(pl.judge(1, at(20, (MAX_PLAUSIBLE_SPEED_MS - 5) * 10 + (MAX_PLAUSIBLE_SPEED_MS + 20) * 10), none), FLAG_IMPLAUSIBLE);
});

test('out-of-order (late) fixes are not judged, however far, and do not move the reference', () => {
  const pl = new Plausibility();
  pl.judge(1, at(10, 0), none);
  assert.equal(pl.judge(1, at(5, 9000), none), 0); // older than the last accepted fix
  assert.equal(pl.judge(1, at(10, 9000), none), 0); // same time: not newer either
  // the reference is still the fix at t=10 near BASE
  assert.equal(pl.judge(1, at(11, 10), none), 0);
  assert.equal(pl.judge(1, at(12, 9000), none), FLAG_IMPLAUSIBLE);
});

test('accuracy widens the allowance: a jump within the reported uncertainty is not flagged', () => {
  const pl = new Plausibility();
  pl.judge(1, at(0, 0, 5), none);
  assert.equal(pl.judge(1, at(1, 470, 450), none), 0); // 470 m ≤ 50 + 5 + 450
  const strict = new Plausibility();
  strict.judge(1, at(0, 0, 5), none);
  assert.equal(strict.judge(1, at(1, 470, 10), none), FLAG_IMPLAUSIBLE); // 470 m > 50 + 5 + 10
  const unknown = new Plausibility();
  unknown.judge(1, at(0, 0, null), none);
  assert.equal(unknown.judge(1, at(1, 45, null), none), 0); // noise allowance alone (50 m)
  assert.equal(unknown.judge(1, at(2, 400, null), none), FLAG_IMPLAUSIBLE);
});

test('the first fix after a restart is judged against the stored latest position', () => {
  const pl = new Plausibility();
  const p = at(0, 0);
  const row: PositionRow = {
    id: 1,
    user_pk: 7,
    device_time: p.deviceTime,
    server_time: p.serverTime,
    lat: p.lat,
    lng: p.lng,
    speed: p.speed,
    bearing: p.bearing,
    accuracy: p.accuracy,
    altitude: null,
    source: 'ws',
    flags: 0,
    reported_time: null,
  };
  let reads = 0;
  const stored = () => {
    reads++;
    return row;
  };
  assert.equal(pl.judge(7, at(1, 2000), stored), FLAG_IMPLAUSIBLE);
  assert.equal(pl.judge(7, at(2, 20), stored), 0);
  assert.equal(reads, 1, 'the stored position is read once per device');
  // devices are judged independently; forget() starts a device afresh
  assert.equal(pl.judge(8, at(3, 5000), none), 0);
  pl.forget(7);
  assert.equal(pl.judge(7, at(5, 9000), none), 0);
});
