import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import Database from 'better-sqlite3';
import { DB_FILE, openDatabase, PAGE_CACHE_KIB, schemaVersion, SchemaTooNewError } from '../../main/server/store/database';
import { SCHEMA_VERSION } from '../../main/server/store/migrations';
import { openSqliteStorage } from '../../main/server/store/storage';
import { systemClock } from '../../main/server/clock';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-db-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const userVersion = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

test('openDatabase creates the schema at the current version, in WAL mode, and reopens cleanly', () => {
  const dir = tempDir();
  const db = openDatabase(dir);
  try {
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    // a bounded page cache (negative: KiB), smaller than better-sqlite3's 16 MiB default
    assert.equal(db.pragma('cache_size', { simple: true }), -PAGE_CACHE_KIB);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    for (const t of ['companies', 'latest_positions', 'positions', 'users']) assert.ok(tables.includes(t), t);
  } finally {
    db.close();
  }
  const again = openDatabase(dir);
  assert.equal(schemaVersion(again), SCHEMA_VERSION);
  again.close();
});

test('openDatabase refuses a database from a newer FleetDesk with SchemaTooNewError, and leaves it alone', () => {
  const dir = tempDir();
  openDatabase(dir).close();
  const file = path.join(dir, DB_FILE);
  const raw = new Database(file);
  raw.pragma('user_version = 999');
  raw.close();

  assert.throws(
    () => openDatabase(dir),
    (err: unknown) => {
      assert.ok(err instanceof SchemaTooNewError, 'err instanceof SchemaTooNewError');
      assert.equal(err.name, 'SchemaTooNewError');
      assert.match(err.message, /version 999/);
      assert.match(err.message, new RegExp(`\\(${SCHEMA_VERSION}\\)`));
      assert.match(err.message, /upgrade FleetDesk or point --data at another folder/);
      return true;
    },
  );
  assert.equal(userVersion(file), 999, 'the version is not rewritten');
  // The refused handle was closed: the file can be removed and recreated.
  fs.rmSync(file);
  openDatabase(dir).close();
  assert.equal(userVersion(file), SCHEMA_VERSION);
});

test('an empty file stamped with a newer version is refused too (no migration runs)', () => {
  const dir = tempDir();
  const file = path.join(dir, DB_FILE);
  const raw = new Database(file);
  raw.pragma('user_version = 999');
  raw.close();
  assert.throws(() => openDatabase(dir), SchemaTooNewError);
  const check = new Database(file, { readonly: true });
  try {
    assert.equal((check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n, 0);
  } finally {
    check.close();
  }
});

test('no statement the storage prepares makes SQLite build a temporary index at every run', () => {
  // Every store prepares its statements when it is built: record them all, then ask SQLite how it
  // would run each. An AUTOMATIC index means a missing one, rebuilt per query (the alert →
  // accident join had one, and read at every driver's sign-in).
  const prepared: string[] = [];
  const original = Database.prototype.prepare;
  Database.prototype.prepare = function (this: Database.Database, sql: string) {
    prepared.push(sql);
    return original.call(this, sql);
  } as typeof original;
  let storage: ReturnType<typeof openSqliteStorage>;
  try {
    storage = openSqliteStorage(tempDir(), systemClock, { windowMs: 5, maxBatch: 100 });
  } finally {
    Database.prototype.prepare = original;
  }
  try {
    const queries = [...new Set(prepared)].filter((sql) => /^\s*(SELECT|WITH|UPDATE|DELETE|INSERT)/i.test(sql));
    assert.ok(queries.length > 50, `the stores prepared ${queries.length} statements`);
    for (const sql of queries) {
      const named = [...new Set([...sql.matchAll(/[@:$]([A-Za-z_]\w*)/g)].map((m) => m[1] as string))];
      const params = named.length > 0 ? [Object.fromEntries(named.map((n) => [n, null]))] : Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null);
      const plan = storage.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      const automatic = plan.filter((r) => /AUTOMATIC/.test(r.detail));
      assert.deepEqual(automatic, [], `${sql.replace(/\s+/g, ' ').slice(0, 200)}`);
    }
  } finally {
    storage.close();
  }
});
