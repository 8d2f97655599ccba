/** Dropped fixes counted per device, hour and reason (main/server/store/dropped-fixes.ts), on a real SQLite file. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../../main/server/store/database';
import { DROPPED_RETENTION_MS, DroppedFixStore, type DropRecord } from '../../main/server/store/dropped-fixes';
import { ManualClock } from '../support/manual-clock';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-dropped-'));
const db = openDatabase(dir);
after(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
const T = Date.UTC(2026, 11, 5, 9, 30);
db.prepare('INSERT INTO companies (id, name, created_at) VALUES (?, ?, ?)').run('acme', 'Acme', T);
db.prepare('INSERT INTO companies (id, name, created_at) VALUES (?, ?, ?)').run('beta', 'Beta', T);
const addUser = db.prepare("INSERT INTO users (company_id, user_id, role, device_key, created_at, updated_at) VALUES (?, ?, 'driver', ?, ?, ?)");
const pk = (company: string, id: string) => Number(addUser.run(company, id, `key-${id}-0123456789abcdef`, T, T).lastInsertRowid);
const a = pk('acme', 'a');
const b = pk('acme', 'b');
const c = pk('beta', 'c');

const clock = new ManualClock(T);
const drop = (userPk: number, reason: DropRecord['reason'], at: number, message: string = reason): DropRecord => ({ userPk, reason, message, source: 'osmand', at, lat: 1, lng: 2, deviceTime: at });

test('counts by reason, most frequent first, with the last one’s message; since counts from its hour', () => {
  const store = new DroppedFixStore(db, clock);
  for (let i = 0; i < 5; i++) store.record(drop(a, 'duplicate', T + i * 1000));
  store.record(drop(a, 'zero_position', T - 2 * 3600_000, 'older'));
  store.record(drop(a, 'zero_position', T + 60_000, 'newest'));
  store.record(drop(b, 'bad_time', T));
  store.record(drop(c, 'bad_time', T));
  const all = store.summary(a, T - 24 * 3600_000);
  assert.deepEqual(
    all.map((d) => [d.reason, d.count, d.last_message, d.last_at]),
    [
      ['duplicate', 5, 'duplicate', new Date(T + 4000).toISOString()],
      ['zero_position', 2, 'newest', new Date(T + 60_000).toISOString()],
    ],
  );
  // since 09:59 still counts the 09:30 drops (the whole hour), not the 07:30 one
  assert.deepEqual(
    store.summary(a, T + 29 * 60_000).map((d) => [d.reason, d.count]),
    [
      ['duplicate', 5],
      ['zero_position', 1],
    ],
  );
  const company = store.ofCompanyDevices('acme', T - 3600_000);
  assert.deepEqual([...company.keys()].sort(), [a, b].sort());
  assert.equal(store.ofCompanyDevices('beta', T - 3600_000).get(c)?.[0]?.count, 1);
  store.close();
});

test('counts survive a restart (written at flush and at close) and add up', () => {
  const first = new DroppedFixStore(db, clock);
  first.record(drop(b, 'out_of_range', T + 1000));
  first.close();
  const second = new DroppedFixStore(db, clock);
  second.record(drop(b, 'out_of_range', T + 2000));
  assert.deepEqual(second.summary(b, T - 3600_000).map((d) => [d.reason, d.count]).sort(), [
    ['bad_time', 1],
    ['out_of_range', 2],
  ]);
  second.close();
});

test('counts older than the retention are removed as time moves on; a deleted device takes its counts along', () => {
  const store = new DroppedFixStore(db, clock);
  clock.advance(DROPPED_RETENTION_MS + 2 * 3600_000);
  const now = clock.now();
  store.record(drop(b, 'impossible_speed', now));
  store.flush();
  assert.deepEqual(store.summary(b, 0).map((d) => d.reason), ['impossible_speed']);
  store.record(drop(c, 'no_gps_fix', now));
  db.prepare('DELETE FROM users WHERE pk = ?').run(c);
  store.flush(); // the count of the deleted device is let go, the others are written
  assert.deepEqual(store.summary(c, 0), []);
  store.close();
});
