/**
 * Bare reference for the storage scenario: plain batched better-sqlite3 inserts into a table of
 * the same shape as FleetDesk's positions (same columns, same UNIQUE (user_pk, device_time)),
 * WAL, the same `synchronous` level, one transaction per batch, none of FleetDesk's work
 * (no latest-position upsert, no writer queue). Run as a child of storage-bench.ts:
 *
 *   node --import tsx test/bench/reference/sqlite-insert.ts <rows> <devices> <batch> <full|normal>
 *
 * Prints one JSON object: rows, seconds, rowsPerS, bytesPerMillion (after a WAL checkpoint).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';

const [rows, devices, batch] = process.argv.slice(2, 5).map(Number) as [number, number, number];
const sync = process.argv[5] === 'normal' ? 'NORMAL' : 'FULL';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-ref-sqlite-'));
const file = path.join(dir, 'ref.sqlite');
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${sync}`);
db.exec(`CREATE TABLE positions (
  id INTEGER PRIMARY KEY, user_pk INTEGER NOT NULL, device_time INTEGER NOT NULL, server_time INTEGER NOT NULL,
  lat REAL NOT NULL, lng REAL NOT NULL, speed REAL NOT NULL, bearing REAL NOT NULL, accuracy REAL, altitude REAL,
  source TEXT NOT NULL, flags INTEGER NOT NULL DEFAULT 0, reported_time INTEGER, UNIQUE (user_pk, device_time))`);
const insert = db.prepare('INSERT INTO positions (user_pk, device_time, server_time, lat, lng, speed, bearing, accuracy, altitude, source, flags, reported_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
const writeBatch = db.transaction((from: number, to: number) => {
  for (let n = from; n < to; n++) {
    const d = n % devices;
    const k = Math.floor(n / devices);
    const t = 1_700_000_000_000 + k * 1000;
    insert.run(d + 1, t, t + 150, 9.01 + k * 1e-5, 38.75 + d * 1e-3, 12.5, k % 360, 5, 2400, 'ws', 0, null);
  }
});
const t0 = performance.now();
for (let n = 0; n < rows; n += batch) writeBatch(n, Math.min(rows, n + batch));
const seconds = (performance.now() - t0) / 1000;
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
const bytes = fs.statSync(file).size;
fs.rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ rows, seconds: Math.round(seconds * 100) / 100, rowsPerS: Math.round(rows / seconds), bytesPerMillion: Math.round((bytes / rows) * 1e6) })}\n`);
