/** The outbox's backoff, the secret sealers and the envelope builder, on their own. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { backoff } from '../../main/server/notify/outbox';
import { envelopeOf } from '../../main/server/notify/envelope';
import { KEY_FILE, keyFileSealer, secretBox } from '../../main/server/notify/secret-box';
import { tempDir } from '../support/server';

test('backoff doubles from the base, stays within [half, full] of its ceiling, and never passes the cap', () => {
  const o = { retryBaseMs: 1_000, retryCapMs: 600_000 };
  assert.equal(backoff(1, o, () => 0), 500);
  assert.equal(backoff(1, o, () => 1), 1_000);
  assert.equal(backoff(4, o, () => 1), 8_000);
  assert.equal(backoff(4, o, () => 0), 4_000);
  for (let n = 1; n < 60; n++) {
    const d = backoff(n, o);
    const ceiling = Math.min(600_000, 1_000 * 2 ** (n - 1));
    assert.ok(d >= ceiling / 2 && d <= ceiling, `${n}: ${d}`);
  }
  assert.equal(backoff(1000, o, () => 1), 600_000, 'huge attempt counts stay finite');
});

test('the key-file sealer: made 0600 on first use, round-trips, refuses tampering and another key', () => {
  const dir = tempDir();
  const box = secretBox(keyFileSealer(dir));
  const sealed = box.seal('{"secret":"whsec_abc"}');
  assert.match(sealed, /^k1:/);
  assert.equal(sealed.includes('whsec'), false);
  assert.notEqual(box.seal('same'), box.seal('same'), 'a fresh IV each time');
  assert.equal(box.open(sealed), '{"secret":"whsec_abc"}');
  if (process.platform !== 'win32') assert.equal(fs.statSync(path.join(dir, KEY_FILE)).mode & 0o777, 0o600);
  assert.equal(secretBox(keyFileSealer(dir)).open(sealed), '{"secret":"whsec_abc"}', 'the key is read back from the file');
  const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  assert.throws(() => box.open(tampered), /does not open this secret/);
  assert.throws(() => secretBox(keyFileSealer(tempDir())).open(sealed), /does not open this secret/);
  assert.throws(() => box.open('ss1:abc'), /sealed by a method this FleetDesk does not have/);
  fs.writeFileSync(path.join(dir, KEY_FILE), 'short');
  assert.throws(() => secretBox(keyFileSealer(dir)).seal('x'), /does not hold a 32-byte key/);
});

test('the envelope: the seed fields, the device id never its key, Url absolute or null', () => {
  const base = { id: 7, uid: 'u-7', companyId: 'acme', deviceId: 'van-01', deviceName: null, createdAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678) };
  const track = envelopeOf({ ...base, event: 'IncomingTrackReceived', objectId: 't1', objectType: 'IncomingTrack', objectPath: '/api/v1/tracks/incoming/t1', details: { TrackStartDate: 'a', TrackFinishDate: 'b' } }, 'FleetDesk', 'https://fleet.example.com/');
  assert.deepEqual(track, {
    Event: 'IncomingTrackReceived',
    Sender: 'FleetDesk',
    UserId: 'van-01',
    ClientId: 'van-01',
    Object: { Id: 't1', Type: 'IncomingTrack', Url: 'https://fleet.example.com/api/v1/tracks/incoming/t1' },
    Timestamp: '2026-01-02T03:04:05.678Z',
    Details: { TrackStartDate: 'a', TrackFinishDate: 'b' },
  });
  const beat = envelopeOf({ ...base, deviceName: 'Anna', event: 'HeartbeatReceived', objectId: 'van-01', objectType: 'RawHeartbeat', objectPath: null, details: {} }, 'Acme', 'http://x');
  assert.equal(beat.Object.Url, null);
  assert.equal(beat.ClientId, 'Anna');
  assert.equal(beat.Sender, 'Acme');
});
