/**
 * Migration 5 on a database of the previous release (schema 4), which accepted fixes up to a day
 * ahead of their arrival: such a fix no longer holds the device's latest position. It moves to
 * its arrival time with the phone's time kept (or, when that time is taken, is hidden), and the
 * latest position is the newest fix that is not from the future.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import Database from 'better-sqlite3';
import { DB_FILE, openDatabase } from '../../main/server/store/database';
import { MIGRATIONS } from '../../main/server/store/migrations';
import { PositionStore } from '../../main/server/store/positions';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const T = Date.UTC(2026, 10, 1, 8, 0);
const H = 3600_000;

function v4DataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-mig5-'));
  dirs.push(dir);
  const db = new Database(path.join(dir, DB_FILE));
  for (let v = 0; v < 4; v++) db.exec(MIGRATIONS[v] as string);
  db.pragma('user_version = 4');
  db.prepare('INSERT INTO companies (id, name, created_at) VALUES (?, ?, ?)').run('acme', 'Acme', T);
  const addUser = db.prepare("INSERT INTO users (company_id, user_id, role, device_key, created_at, updated_at) VALUES ('acme', ?, 'driver', ?, ?, ?)");
  for (const id of ['glitch', 'only-future', 'fine', 'taken']) addUser.run(id, `key-${id}-0123456789abcdef`, T, T);
  const pos = db.prepare('INSERT INTO positions (user_pk, device_time, server_time, lat, lng, speed, bearing, accuracy, altitude, source, flags) VALUES (?, ?, ?, ?, ?, 0, 0, NULL, NULL, ?, 0)');
  const latest = db.prepare('INSERT INTO latest_positions (user_pk, position_id, device_time) VALUES (?, ?, ?)');
  // 1 glitch: fixes at T, T+1 min, then one dated 20 h ahead of its arrival at T+2 min, then T+3 min
  pos.run(1, T, T, 48.1, 11.5, 'osmand');
  pos.run(1, T + 60_000, T + 60_000, 48.11, 11.5, 'osmand');
  const g = pos.run(1, T + 2 * 60_000 + 20 * H, T + 2 * 60_000, 48.9, 12.9, 'osmand').lastInsertRowid;
  pos.run(1, T + 3 * 60_000, T + 3 * 60_000, 48.12, 11.5, 'osmand');
  latest.run(1, g, T + 2 * 60_000 + 20 * H);
  // 2 only a fix from the future
  const o = pos.run(2, T + 10 * H, T, 47, 11, 'ws').lastInsertRowid;
  latest.run(2, o, T + 10 * H);
  // 3 all fine
  const f = pos.run(3, T, T + 500, 46, 10, 'ws').lastInsertRowid;
  latest.run(3, f, T);
  // 4 the arrival time of the future fix is already taken by another fix of the same device
  pos.run(4, T, T, 45, 9, 'ws');
  const t = pos.run(4, T + 12 * H, T, 45.5, 9, 'ws').lastInsertRowid;
  latest.run(4, t, T + 12 * H);
  db.close();
  return dir;
}

test('fixes from the future move to their arrival (phone time kept) and no longer hold the latest position', () => {
  const db = openDatabase(v4DataDir());
  try {
    const positions = new PositionStore(db);
    const rows = (pk: number) => positions.range(pk, 0, Number.MAX_SAFE_INTEGER, 100);
    // glitch: moved to its arrival, flagged, the latest is the newest fix of the drive
    const g = rows(1).find((r) => r.lat === 48.9)!;
    assert.deepEqual([g.device_time, g.reported_time, g.flags], [T + 2 * 60_000, T + 2 * 60_000 + 20 * H, 2]);
    assert.equal(positions.latest(1)!.lat, 48.12);
    // only a future fix: it moves to its arrival and stays the latest, now on time
    assert.deepEqual([positions.latest(2)!.device_time, positions.latest(2)!.reported_time], [T, T + 10 * H]);
    // untouched
    assert.deepEqual([positions.latest(3)!.device_time, positions.latest(3)!.reported_time, positions.latest(3)!.flags], [T, null, 0]);
    // its arrival time was taken: it keeps its time but is hidden; the latest is the real one
    const taken = rows(4).find((r) => r.lat === 45.5)!;
    assert.deepEqual([taken.device_time, taken.flags], [T + 12 * H, 1]);
    assert.equal(positions.latest(4)!.lat, 45);
    assert.equal((db.prepare('SELECT count(*) AS n FROM dropped_fixes').get() as { n: number }).n, 0);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
});
