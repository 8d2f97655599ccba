import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { systemClock } from '../../main/server/clock';
import { PAGE_CACHE_BASE_KIB, PAGE_CACHE_MAX_KIB, PAGE_CACHE_PER_DEVICE_KIB, pageCacheKibFor } from '../../main/server/store/page-cache';
import { openSqliteStorage } from '../../main/server/store/storage';
import { ManualClock } from '../support/manual-clock';
import { startTestServer, tempDir } from '../support/server';

const cacheKib = (db: { pragma(s: string, o: { simple: true }): unknown }): number => -Number(db.pragma('cache_size', { simple: true }));

test('the page cache is a base plus room per device, capped; nonsense counts get the base', () => {
  assert.equal(pageCacheKibFor(0), PAGE_CACHE_BASE_KIB);
  assert.equal(pageCacheKibFor(2000), PAGE_CACHE_BASE_KIB + 2000 * PAGE_CACHE_PER_DEVICE_KIB);
  assert.equal(pageCacheKibFor(2000), 24_096, '2,000 drivers: about 24 MiB');
  assert.equal(pageCacheKibFor(1_000_000), PAGE_CACHE_MAX_KIB);
  assert.ok(pageCacheKibFor(10_000) <= PAGE_CACHE_MAX_KIB, '10,000 drivers stay within the cap');
  for (const bad of [-5, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(pageCacheKibFor(bad), PAGE_CACHE_BASE_KIB, String(bad));
  assert.equal(pageCacheKibFor(2.7), PAGE_CACHE_BASE_KIB + 2 * PAGE_CACHE_PER_DEVICE_KIB);
});

test('opening the storage sizes the cache to the users already in the file; new users resize it on the next turn', async () => {
  const dir = tempDir();
  try {
    let storage = openSqliteStorage(dir, systemClock, { windowMs: 5, maxBatch: 100 }, 'full', { checkpointEveryMs: false });
    assert.equal(cacheKib(storage.db), PAGE_CACHE_BASE_KIB, 'an empty database: the base');
    assert.ok(storage.companies.create('acme', 'Acme'), 'the company is created');
    for (let i = 0; i < 300; i++) storage.users.create({ companyId: 'acme', userId: `DR_${i}`, role: 'driver' });
    assert.equal(cacheKib(storage.db), PAGE_CACHE_BASE_KIB, 'not resized inside the same turn (once for a whole import)');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(cacheKib(storage.db), PAGE_CACHE_BASE_KIB + 300 * PAGE_CACHE_PER_DEVICE_KIB, 'resized on the next turn');
    storage.db.prepare("DELETE FROM users WHERE user_id LIKE 'DR_1%'").run();
    const left = (storage.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
    assert.equal(storage.fitPageCache(), PAGE_CACHE_BASE_KIB + left * PAGE_CACHE_PER_DEVICE_KIB, 'a fleet that shrinks gets a smaller cache');
    for (let i = 0; i < 300; i++) storage.users.create({ companyId: 'acme', userId: `DR_${i}`, role: 'driver' });
    storage.fitPageCache();
    storage.close();

    storage = openSqliteStorage(dir, systemClock, { windowMs: 5, maxBatch: 100 }, 'full', { checkpointEveryMs: false });
    assert.equal(cacheKib(storage.db), PAGE_CACHE_BASE_KIB + 300 * PAGE_CACHE_PER_DEVICE_KIB, 'reopened: sized at once');
    storage.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a running server resizes the cache when drivers are added, and each minute (on its own clock)', async () => {
  const clock = new ManualClock();
  const s = await startTestServer({ clock });
  try {
    assert.equal(cacheKib(s.ctx.db), PAGE_CACHE_BASE_KIB);
    const company = s.company('acme');
    for (let i = 0; i < 40; i++) await s.user(company, `DR_${i}`, 'driver');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(cacheKib(s.ctx.db), PAGE_CACHE_BASE_KIB + 40 * PAGE_CACHE_PER_DEVICE_KIB, 'new drivers: resized at once');
    // users removed behind the server's back (another tool on the file): the minute's sweep catches up
    s.ctx.db.prepare("DELETE FROM users WHERE user_id LIKE 'DR_3%'").run();
    clock.advance(59_999);
    assert.equal(cacheKib(s.ctx.db), PAGE_CACHE_BASE_KIB + 40 * PAGE_CACHE_PER_DEVICE_KIB, 'not before the minute');
    clock.advance(1);
    assert.equal(cacheKib(s.ctx.db), PAGE_CACHE_BASE_KIB + 29 * PAGE_CACHE_PER_DEVICE_KIB, 'DR_3 and DR_30 to DR_39 gone');
  } finally {
    await s.stop();
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  }
});
