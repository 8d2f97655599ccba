import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { CompanyStore } from '../../main/server/store/companies';
import { DB_FILE, openDatabase, type Db } from '../../main/server/store/database';
import { PositionWriter, type PendingWrite } from '../../main/server/store/position-writer';
import { PositionStore } from '../../main/server/store/positions';
import type { PositionRecord } from '../../main/server/ingest/position';
import { UserStore } from '../../main/server/store/users';

let dir: string;
let db: Db;
let ro: Database.Database;
let positions: PositionStore;
let users: UserStore;
let nextUser = 0;
const T0 = Date.UTC(2025, 0, 1);

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-writer-'));
  db = openDatabase(dir);
  new CompanyStore(db).create('acme', 'Acme');
  users = new UserStore(db);
  positions = new PositionStore(db);
  // A second connection: it only ever sees committed data.
  ro = new Database(path.join(dir, DB_FILE), { readonly: true });
});

after(() => {
  ro.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function newUserPk(): number {
  return users.create({ companyId: 'acme', userId: `DR_${++nextUser}`, role: 'driver' })!.pk;
}

const rec = (i: number): PositionRecord => ({ lat: 10 + i / 1e4, lng: 20, speed: 5, bearing: 0, accuracy: null, altitude: null, deviceTime: T0 + i * 1000, serverTime: T0 + i * 1000 });

const committedCount = (pk: number): number => (ro.prepare('SELECT count(*) AS n FROM positions WHERE user_pk = ?').get(pk) as { n: number }).n;

interface Outcome {
  err: Error | null;
  stored: boolean;
  /** rows of this user visible to the other connection when the callback ran */
  visible: number;
}

/** Enqueues writes; resolves with each outcome once all callbacks ran. */
function enqueueAll(writer: PositionWriter, writes: Omit<PendingWrite, 'done'>[]): Promise<Outcome[]> {
  return Promise.all(
    writes.map(
      (w) =>
        new Promise<Outcome>((resolve) =>
          writer.enqueue({ ...w, done: (err, stored) => resolve({ err, stored, visible: committedCount(w.userPk) }) }),
        ),
    ),
  );
}

describe('PositionWriter group commit', () => {
  test('many enqueues inside the window commit as one batch; callbacks run after the commit', async () => {
    const pk = newUserPk();
    const writer = new PositionWriter(db, positions, { windowMs: 20, maxBatch: 10_000 });
    let called = 0;
    const N = 500;
    const done = enqueueAll(
      writer,
      Array.from({ length: N }, (_, i) => ({ userPk: pk, position: rec(i), source: 'test' })),
    ).then((r) => {
      called = r.length;
      return r;
    });
    assert.equal(writer.pending, N, 'queued, not written yet');
    assert.equal(committedCount(pk), 0);
    assert.equal(called, 0);
    const outcomes = await done;
    assert.equal(writer.stats.batches, 1, 'one transaction for all of them');
    assert.equal(writer.stats.maxBatch, N);
    assert.equal(writer.stats.stored, N);
    assert.equal(writer.pending, 0);
    for (const o of outcomes) {
      assert.equal(o.err, null);
      assert.equal(o.stored, true);
      assert.equal(o.visible, N, 'the whole batch was committed before any callback ran');
    }
    assert.equal(positions.latest(pk)!.device_time, T0 + (N - 1) * 1000);
  });

  test('a full batch commits at once; the rest waits for the window', async () => {
    const pk = newUserPk();
    const writer = new PositionWriter(db, positions, { windowMs: 20, maxBatch: 100 });
    const outcomes = enqueueAll(
      writer,
      Array.from({ length: 250 }, (_, i) => ({ userPk: pk, position: rec(i), source: 'test' })),
    );
    assert.equal(writer.stats.batches, 2, 'two full batches were committed synchronously');
    assert.equal(committedCount(pk), 200);
    assert.equal(writer.pending, 50);
    assert.ok((await outcomes).every((o) => o.err === null && o.stored), '(await outcomes).every((o) => o.err === null && o.stored)');
    assert.equal(writer.stats.batches, 3);
    assert.equal(committedCount(pk), 250);
  });

  test('duplicates (same device and device time) are reported as not stored, in and across batches', async () => {
    const pk = newUserPk();
    const writer = new PositionWriter(db, positions, { windowMs: 5, maxBatch: 1000 });
    const first = await enqueueAll(writer, [
      { userPk: pk, position: rec(1), source: 'test' },
      { userPk: pk, position: { ...rec(1), lat: 55 }, source: 'test' },
      { userPk: pk, position: rec(2), source: 'test' },
    ]);
    assert.deepEqual(
      first.map((o) => o.stored),
      [true, false, true],
    );
    const second = await enqueueAll(writer, [
      { userPk: pk, position: rec(2), source: 'test' },
      { userPk: pk, position: rec(3), source: 'test' },
    ]);
    assert.deepEqual(
      second.map((o) => [o.err, o.stored]),
      [
        [null, false],
        [null, true],
      ],
    );
    assert.deepEqual(writer.stats, { batches: 2, stored: 3, duplicates: 2, maxBatch: 3, failed: 0 });
    assert.equal(committedCount(pk), 3);
    assert.equal(positions.range(pk, 0, Number.MAX_SAFE_INTEGER, 10)[0]!.lat, rec(1).lat, 'the first copy is kept');
  });

  test('a late fix is stored but does not replace the latest position', async () => {
    const pk = newUserPk();
    const writer = new PositionWriter(db, positions, { windowMs: 5, maxBatch: 1000 });
    await enqueueAll(writer, [{ userPk: pk, position: rec(10), source: 'test' }]);
    await enqueueAll(writer, [{ userPk: pk, position: rec(5), source: 'test' }]);
    assert.equal(committedCount(pk), 2);
    assert.equal(positions.latest(pk)!.device_time, rec(10).deviceTime);
  });

  test('flush() commits at once, synchronously', () => {
    const pk = newUserPk();
    const writer = new PositionWriter(db, positions, { windowMs: 60_000, maxBatch: 1000 });
    const results: boolean[] = [];
    for (let i = 0; i < 3; i++) writer.enqueue({ userPk: pk, position: rec(i), source: 'test', done: (_e, s) => results.push(s) });
    assert.deepEqual(results, []);
    writer.flush();
    assert.deepEqual(results, [true, true, true]);
    assert.equal(committedCount(pk), 3);
    writer.flush(); // nothing queued: no empty transaction
    assert.equal(writer.stats.batches, 1);
  });

  test('close() flushes what is queued and then refuses new writes', () => {
    const pk = newUserPk();
    const writer = new PositionWriter(db, positions, { windowMs: 60_000, maxBatch: 1000 });
    const outcomes: [Error | null, boolean][] = [];
    writer.enqueue({ userPk: pk, position: rec(1), source: 'test', done: (e, s) => outcomes.push([e, s]) });
    writer.close();
    assert.deepEqual(outcomes, [[null, true]]);
    writer.enqueue({ userPk: pk, position: rec(2), source: 'test', done: (e, s) => outcomes.push([e, s]) });
    assert.equal(outcomes.length, 2);
    assert.ok(outcomes[1]![0] instanceof Error, 'outcomes[1]![0] instanceof Error');
    assert.match(outcomes[1]![0]!.message, /shutting down/);
    assert.equal(outcomes[1]![1], false);
    assert.equal(committedCount(pk), 1);
  });

  test('a write that fails (its user was deleted) fails alone; the rest of its batch is stored', async () => {
    const pk = newUserPk();
    const gone = newUserPk();
    users.delete('acme', `DR_${nextUser}`);
    const writer = new PositionWriter(db, positions, { windowMs: 5, maxBatch: 1000 });
    const outcomes = await enqueueAll(writer, [
      { userPk: pk, position: rec(1), source: 'test' },
      { userPk: gone, position: rec(1), source: 'test' },
      { userPk: pk, position: rec(2), source: 'test' },
    ]);
    assert.equal(outcomes[0]!.err, null);
    assert.equal(outcomes[0]!.stored, true);
    assert.ok(outcomes[1]!.err instanceof Error, 'the write for the deleted user fails');
    assert.equal(outcomes[1]!.stored, false);
    assert.equal(outcomes[2]!.err, null);
    assert.equal(outcomes[2]!.stored, true);
    assert.equal(committedCount(pk), 2);
    assert.equal(committedCount(gone), 0);
  });
});
