/**
 * The checkpoint thread (store/checkpointer.ts): copies the WAL into the database file beside a
 * writer that goes on committing, lets the writer start the WAL over, closes before the writer
 * (which then removes the WAL), and when it cannot run, says so and leaves checkpoints to the
 * writer; a round that cannot write the database file stalls it without ending it. Also from the bundle `npm run serve` runs (its worker is bundled beside it).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Checkpointer } from '../../main/server/store/checkpointer';
import { companionWorkerFile } from '../../main/server/companion-workers';
import { DB_FILE } from '../../main/server/store/database';
import { openSqliteStorage } from '../../main/server/store/storage';
import { systemClock } from '../../main/server/clock';
import { serverBundle, startServe } from '../support/cli';
import { canFreeze, freeze, thaw } from '../support/immutable';

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-ckpt-'));
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Commits `rows` rows of ~200 bytes in transactions of 50: a few hundred WAL frames, below the writer's own automatic checkpoint (1,000). */
function write(db: ReturnType<typeof openSqliteStorage>['db'], rows: number, from = 0): void {
  const insert = db.prepare('INSERT INTO scratch (n, body) VALUES (?, ?)');
  const batch = db.transaction((start: number, n: number) => {
    for (let i = start; i < start + n; i++) insert.run(i, `row ${i} `.padEnd(200, 'x'));
  });
  for (let i = from; i < from + rows; i += 50) batch(i, Math.min(50, from + rows - i));
}

test('the checkpoint thread copies the WAL into the database while the writer commits, and the writer then starts the WAL over', async () => {
  const dir = tempDir();
  let running = 0;
  const failures: string[] = [];
  // an interval longer than the test: only wake() starts a round, so the counts are exact
  const storage = openSqliteStorage(dir, systemClock, { windowMs: 5, maxBatch: 100 }, 'full', {
    checkpointEveryMs: 600_000,
    onCheckpointerRunning: () => running++,
    onCheckpointerFailure: (reason) => failures.push(reason),
  });
  try {
    const ckpt = storage.checkpoints!;
    storage.db.exec('CREATE TABLE scratch (n INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    await ckpt.passes(1); // the first round, at start
    write(storage.db, 2_000);
    const before = ckpt.progress().passes;
    ckpt.wake();
    await ckpt.passes(before + 1);
    const copied = ckpt.progress();
    assert.equal(copied.running, true);
    assert.ok(copied.log > 50, `the WAL held ${copied.log} frames`);
    assert.ok(copied.log < 1_000, 'below the writer’s own checkpoint, so the thread did this one');
    assert.equal(copied.checkpointed, copied.log, 'every frame is in the database file');
    assert.equal(storage.db.pragma('wal_autocheckpoint', { simple: true }), 1000, 'the writer keeps its own (small) checkpoint');

    // Fully copied: the next commit starts the WAL over (a few frames, not the 2,000 rows' and more).
    write(storage.db, 20, 10_000);
    ckpt.wake();
    await ckpt.passes(ckpt.progress().passes + 1);
    const after = ckpt.progress();
    assert.ok(after.log < copied.log / 4, `the WAL started over: ${after.log} frames after ${copied.log}`);
    assert.equal(after.checkpointed, after.log);
    assert.equal((storage.db.prepare('SELECT count(*) AS n FROM scratch').get() as { n: number }).n, 2_020);
    assert.equal(running, 1);
    assert.deepEqual(failures, []);
  } finally {
    storage.close();
  }
  // The thread's connection closed first, so the writer's was the last and removed the WAL.
  assert.equal(storage.checkpoints!.progress().running, false);
  assert.equal(fs.existsSync(path.join(dir, `${DB_FILE}-wal`)), false);
});

test('a writer committing without pause beside the thread: every row is there, integrity_check ok, the WAL stays small', async () => {
  const dir = tempDir();
  const storage = openSqliteStorage(dir, systemClock, { windowMs: 5, maxBatch: 100 }, 'full', { checkpointEveryMs: 5 });
  try {
    storage.db.exec('CREATE TABLE scratch (n INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    await storage.checkpoints!.passes(1);
    for (let round = 0; round < 40; round++) {
      write(storage.db, 500, round * 500);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(storage.checkpoints!.progress().passes > 1, 'storage.checkpoints!.progress().passes > 1');
    assert.equal((storage.db.prepare('SELECT count(*) AS n FROM scratch').get() as { n: number }).n, 20_000);
    assert.equal(storage.db.pragma('integrity_check', { simple: true }), 'ok');
    // 20,000 rows of 200 bytes are ~1,300 pages in the table alone; the writer's checkpoint at
    // 1,000 frames keeps starting the WAL over whatever the thread is doing
    const walBytes = fs.statSync(path.join(dir, `${DB_FILE}-wal`)).size;
    assert.ok(walBytes < 3 * 1000 * 4096, `WAL ${walBytes} bytes`);
  } finally {
    storage.close();
  }
  assert.equal(fs.existsSync(path.join(dir, `${DB_FILE}-wal`)), false);
});

const frozenDir = tempDir();
test('a database file turned read-only stalls the thread (said once) while the writer goes on into the WAL; writable again, the thread copies it all', { skip: canFreeze(frozenDir) ? false : 'needs root and a file system with the immutable flag (chattr +i)' }, async () => {
  const stalls: string[] = [];
  let resumed = 0;
  const failures: string[] = [];
  const storage = openSqliteStorage(frozenDir, systemClock, { windowMs: 5, maxBatch: 100 }, 'full', {
    checkpointEveryMs: 600_000,
    onCheckpointerStalled: (reason) => stalls.push(reason),
    onCheckpointerResumed: () => resumed++,
    onCheckpointerFailure: (reason) => failures.push(reason),
  });
  const file = path.join(frozenDir, DB_FILE);
  try {
    const ckpt = storage.checkpoints!;
    storage.db.exec('CREATE TABLE scratch (n INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    await ckpt.passes(1);
    write(storage.db, 500);
    freeze(file);
    try {
      ckpt.wake();
      const until = Date.now() + 10_000;
      while (stalls.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(stalls.length, 1);
      assert.match(stalls[0]!, /disk I\/O error|readonly|read-only/i);
      assert.deepEqual({ running: ckpt.progress().running, stalled: ckpt.progress().stalled }, { running: true, stalled: true });
      write(storage.db, 100, 10_000); // the writer commits into the WAL meanwhile
      ckpt.wake();
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(stalls.length, 1, 'a stall is said once, not every round');
    } finally {
      thaw(file);
    }
    const passes = ckpt.progress().passes;
    ckpt.wake();
    await ckpt.passes(passes + 1);
    assert.equal(resumed, 1);
    const after = ckpt.progress();
    assert.equal(after.stalled, false);
    assert.equal(after.checkpointed, after.log, 'every frame, those of the stall too, is in the database file');
    assert.equal((storage.db.prepare('SELECT count(*) AS n FROM scratch').get() as { n: number }).n, 600);
    assert.equal(storage.db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(failures, []);
  } finally {
    thaw(file);
    storage.close();
  }
  assert.equal(fs.existsSync(path.join(frozenDir, `${DB_FILE}-wal`)), false);
});

test('a checkpoint thread that cannot open the file says why, and stop() returns at once', async () => {
  const failures: string[] = [];
  const ckpt = new Checkpointer({ file: path.join(tempDir(), 'missing', DB_FILE), synchronous: 'FULL', onFailure: (reason) => failures.push(reason) });
  const until = Date.now() + 10_000;
  while (failures.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(failures.length, 1);
  assert.match(failures[0]!, /unable to open|cannot open|SQLITE_CANTOPEN|directory does not exist/i);
  assert.equal(ckpt.progress().running, false);
  await assert.rejects(ckpt.passes(1), /not running/);
  const t0 = Date.now();
  ckpt.stop();
  assert.ok(Date.now() - t0 < 1_000, 'Date.now() - t0 < 1_000');
});

test('stopping right after starting does not wait for the thread', () => {
  const dir = tempDir();
  const storage = openSqliteStorage(dir, systemClock, { windowMs: 5, maxBatch: 100 });
  const t0 = Date.now();
  storage.close();
  assert.ok(Date.now() - t0 < 1_000, `close took ${Date.now() - t0} ms`);
  assert.equal(fs.existsSync(path.join(dir, `${DB_FILE}-wal`)), false);
});

test('the bundled server (npm run serve) starts its checkpoint thread from the worker bundled beside it', async () => {
  const bundle = await serverBundle();
  assert.ok(fs.existsSync(companionWorkerFile(bundle, 'checkpoint-worker')), companionWorkerFile(bundle, 'checkpoint-worker'));
  const dir = tempDir();
  const serve = await startServe(['--data', dir, '--port', '0']);
  try {
    const until = Date.now() + 10_000;
    while (!/checkpoints run on their own thread/.test(serve.stderr()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(serve.stderr(), /SQLite checkpoints run on their own thread/);
    assert.doesNotMatch(serve.stderr(), /checkpoint thread stopped/);
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  assert.equal(fs.existsSync(path.join(dir, `${DB_FILE}-wal`)), false, 'the server closed the WAL on its way out');
});
