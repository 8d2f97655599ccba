/**
 * Migration 3 ("phones connect") on a database written by the previous release (schema 2):
 * every existing user gets its own random device key, positions get flags 0, the new tables
 * exist, and the data already there is kept.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import Database from 'better-sqlite3';
import { DB_FILE, openDatabase, schemaVersion } from '../../main/server/store/database';
import { MIGRATIONS, SCHEMA_VERSION } from '../../main/server/store/migrations';
import { PositionStore } from '../../main/server/store/positions';
import { UserStore } from '../../main/server/store/users';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A data folder holding a schema-2 database with two companies, users, positions and a login link. */
function v2DataDir(users = 40): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-mig3-'));
  dirs.push(dir);
  const db = new Database(path.join(dir, DB_FILE));
  db.exec(MIGRATIONS[0] as string);
  db.exec(MIGRATIONS[1] as string);
  db.pragma('user_version = 2');
  const now = Date.UTC(2026, 0, 1);
  db.prepare('INSERT INTO companies (id, name, created_at) VALUES (?, ?, ?)').run('acme', 'Acme', now);
  db.prepare('INSERT INTO companies (id, name, created_at) VALUES (?, ?, ?)').run('beta', 'Beta', now);
  const addUser = db.prepare('INSERT INTO users (company_id, user_id, role, display_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < users; i++) addUser.run(i % 2 ? 'acme' : 'beta', `DR_${i}`, 'driver', `Van ${i}`, now, now);
  addUser.run('acme', 'ops', 'office', null, now, now);
  addUser.run('acme', 'boss', 'admin', null, now, now);
  const addPos = db.prepare(
    'INSERT INTO positions (user_pk, device_time, server_time, lat, lng, speed, bearing, accuracy, altitude, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (let t = 0; t < 10; t++) addPos.run(1, now + t * 1000, now + t * 1000, 9 + t / 1000, 38.7, 10, 90, 5, null, 'ws');
  db.prepare('INSERT INTO latest_positions (user_pk, position_id, device_time) VALUES (1, 10, ?)').run(now + 9000);
  db.prepare("INSERT INTO login_links (code_hash, user_pk, created_at, expires_at) SELECT 'h', pk, ?, ? FROM users WHERE user_id = 'ops'").run(now, now + 60_000);
  db.close();
  return dir;
}

test('migration 3 gives every existing user a unique 32-hex device key and keeps their data', () => {
  const dir = v2DataDir();
  const db = openDatabase(dir);
  try {
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    assert.ok(SCHEMA_VERSION >= 3, 'SCHEMA_VERSION >= 3');
    const users = db.prepare('SELECT user_id, role, display_name, device_key FROM users ORDER BY pk').all() as {
      user_id: string;
      role: string;
      display_name: string | null;
      device_key: string;
    }[];
    assert.equal(users.length, 42);
    for (const u of users) assert.match(u.device_key, /^[0-9a-f]{32}$/, u.user_id);
    assert.equal(new Set(users.map((u) => u.device_key)).size, users.length, 'keys are unique');
    assert.deepEqual(users[0], { ...users[0], user_id: 'DR_0', role: 'driver', display_name: 'Van 0' });

    // the keys work through the store; a 32-hex key counts as strong (≥ 22 characters)
    const store = new UserStore(db);
    const first = store.getByDeviceKey(users[0]!.device_key);
    assert.equal(first?.user_id, 'DR_0');
    // the unique index holds: a second user cannot take the same key
    assert.equal(store.setDeviceKey(2, users[0]!.device_key), false);
    // and new users added after the migration get keys as usual
    const added = store.create({ companyId: 'acme', userId: 'DR_new', role: 'driver' });
    assert.ok(added && added.device_key.length >= 22 && added.device_key !== users[0]!.device_key, 'added && added.device_key.length >= 22 && added.device_key !== users[0]!.device_key');
  } finally {
    db.close();
  }
});

test('migration 3 gives existing positions flags 0 and keeps the latest position', () => {
  const dir = v2DataDir(2);
  const db = openDatabase(dir);
  try {
    const flags = db.prepare('SELECT flags, count(*) AS n FROM positions GROUP BY flags').all();
    assert.deepEqual(flags, [{ flags: 0, n: 10 }]);
    const latest = new PositionStore(db).latest(1);
    assert.equal(latest?.device_time, Date.UTC(2026, 0, 1) + 9000);
    assert.equal(latest?.flags, 0);
    // the old login link is a login link; companies get the new defaults
    assert.deepEqual(db.prepare('SELECT purpose FROM login_links').all(), [{ purpose: 'login' }]);
    assert.deepEqual(db.prepare("SELECT crash_threshold_g, owntracks_friends FROM companies WHERE id = 'acme'").get(), { crash_threshold_g: 4, owntracks_friends: 0 });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    for (const t of ['heartbeats', 'alerts', 'unknown_devices']) assert.ok(tables.includes(t), t);
  } finally {
    db.close();
  }
  // reopening does not run it again: keys stay as they are
  const a = openDatabase(dir);
  const before = a.prepare('SELECT device_key FROM users ORDER BY pk').all();
  a.close();
  const b = openDatabase(dir);
  assert.deepEqual(b.prepare('SELECT device_key FROM users ORDER BY pk').all(), before);
  b.close();
});
