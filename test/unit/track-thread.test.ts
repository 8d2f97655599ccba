/**
 * Trip ends read and processed on the track thread (trips/track-thread.ts, track-worker.ts) with
 * its own read-only connection: the same outcome as the event loop computes, one device's ends
 * in order (a merge finds the rich track its previous end recorded), a clear fallback when the
 * thread cannot run, and a clean stop (the writer's connection closes last). Real SQLite, real
 * worker thread, real TripService.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { DEFAULT_TRIP_SETTINGS } from '../../shared/api/trips';
import { addCompany, addUser } from '../../main/server/accounts';
import { systemClock } from '../../main/server/clock';
import type { CommittedFix } from '../../main/server/ingest/stages';
import type { PositionRecord } from '../../main/server/ingest/position';
import { accountsFrom } from '../../main/server/open-accounts';
import { DB_FILE } from '../../main/server/store/database';
import { openSqliteStorage } from '../../main/server/store/storage';
import type { RawFix } from '../../main/server/trips/process';
import { computeProgress, computeTrack, progressTotals, type TrackJob } from '../../main/server/trips/track-job';
import { TrackThread, type TrackWorkerData } from '../../main/server/trips/track-thread';
import { companionWorkerFile } from '../../main/server/companion-workers';
import { serverBundle } from '../support/cli';
import { PROGRESS_TOTALS_FRESH_MS, TripService } from '../../main/server/trips/trip-service';
import { ManualClock } from '../support/manual-clock';
import { munichTrace } from '../support/synthetic-trips';
import { tempDir } from '../support/temp-dir';

const dir = tempDir('fleetdesk-track-thread-');
const storage = openSqliteStorage(dir, systemClock, { windowMs: 5, maxBatch: 500 });
const file = path.join(dir, DB_FILE);
const logger = pino({ level: 'silent' });
const threads: TrackThread[] = [];
after(async () => {
  for (const t of threads) await t.stop();
  storage.close();
});
const thread = (f = file, onFailure?: (reason: string) => void, collectEveryMs?: number) => {
  const t = new TrackThread({ file: f, onFailure, collectEveryMs });
  threads.push(t);
  return t;
};

const drive = munichTrace();
const DAY = 86_400_000;
const accounts = accountsFrom(storage, dir);
const companyId = addCompany(accounts, 'Tracks', 'tracks').id;
async function device(userId: string): Promise<number> {
  await addUser(accounts, { companyId, userId, role: 'driver' });
  return accounts.users.get(companyId, userId)!.pk;
}
const record = (f: RawFix, shift: number): PositionRecord => ({
  lat: f.lat,
  lng: f.lng,
  speed: f.speed,
  bearing: f.bearing,
  accuracy: f.accuracy,
  altitude: f.altitude,
  deviceTime: f.t + shift,
  serverTime: f.t + shift,
});
const committed = (userPk: number, position: PositionRecord): CommittedFix => ({ companyId, userPk, userId: `u${userPk}`, source: 'ws', live: true, position }) as CommittedFix;

/** Stores the drive for every device, interleaved fix by fix as a fleet's arrive. */
function storeInterleaved(pks: number[], fixes: RawFix[], shift: number): void {
  storage.atomically(() => {
    for (const f of fixes) for (const pk of pks) storage.positions.insert(pk, record(f, shift), 'ws');
  });
}

const inline = (job: TrackJob) => computeTrack((u, from, to) => storage.trips.rawFixes(u, from, to), job);

test('the thread reads and processes a trip end exactly as the event loop does: received, removed, merged', async () => {
  const pks = [await device('a1'), await device('a2'), await device('a3')];
  storeInterleaved(pks, drive, 0);
  const t = thread();
  const start = drive[0]!.t;
  const end = drive.at(-1)!.t;
  const half = drive[Math.floor(drive.length / 2)]!.t;
  const jobs: TrackJob[] = [
    { userPk: pks[1]!, start, end, settings: DEFAULT_TRIP_SETTINGS, merged: null },
    // ten seconds of it: too short, removed
    { userPk: pks[2]!, start, end: start + 10_000, settings: DEFAULT_TRIP_SETTINGS, merged: null },
    // the second half joins the first
    { userPk: pks[0]!, start: half + 1, end, settings: DEFAULT_TRIP_SETTINGS, merged: [{ start, end: half }] },
  ];
  for (const job of jobs) {
    const outcome = await t.run(job);
    assert.deepEqual(outcome, inline(job));
  }
  const [received, removed, merged] = await Promise.all(jobs.map((j) => t.run(j)));
  assert.equal(received!.judged.status, 'received');
  assert.equal(received!.fixCount, drive.length);
  assert.ok(received!.processed!.distance_m > 5_000, `${received!.processed!.distance_m} m`);
  assert.deepEqual(removed!.judged, { status: 'removed', reason: 'Insufficient track length' });
  assert.equal(removed!.processed, null);
  assert.ok(merged!.fixCount < drive.length / 2 + 1, `${merged!.fixCount} fixes of its own`);
  assert.equal(merged!.processed!.distance_m, received!.processed!.distance_m, 'the merged track covers the whole drive');
  assert.equal(t.answered, 6);
});

test('a TripService with the thread records the same trips as without, one device after the other, merges included', async () => {
  // Two drives with a four-minute stop between them (a trip ends after 3 minutes parked; the
  // next one starts within the 5-minute merge gap): the second end merges into the first.
  const parked = (from: RawFix, s: number) => Array.from({ length: s }, (_, i) => ({ ...from, t: from.t + (i + 1) * 1000 }));
  const first = drive;
  const stop1 = parked(first.at(-1)!, 240);
  const gap = stop1.at(-1)!.t - first[0]!.t + 1000;
  const second = [...drive].reverse().map((f, i) => ({ ...f, t: first[0]!.t + gap + i * 1000 }));
  const stop2 = parked(second.at(-1)!, 240);
  const fixes = [...first, ...stop1, ...second, ...stop2];
  const [withThread, without] = [await device('b1'), await device('b2')];
  storeInterleaved([withThread, without], fixes, DAY);

  const t = thread();
  const onThread = new TripService({ storage, logger, clock: systemClock, tracks: t }, { sweepIntervalMs: 0 });
  const inLoop = new TripService({ storage, logger, clock: systemClock }, { sweepIntervalMs: 0 });
  for (const f of fixes) {
    onThread.onPosition(committed(withThread, record(f, DAY)));
    inLoop.onPosition(committed(without, record(f, DAY)));
  }
  await Promise.all([onThread.idle(), inLoop.idle()]);
  assert.equal(t.answered, 2, 'both trip ends went through the thread');

  const day = (pk: number) => ({
    trips: storage.db.prepare('SELECT start_time, end_time, status, reason, fix_count, end_reason FROM trips WHERE user_pk = ? ORDER BY start_time').all(pk),
    rich: storage.db.prepare('SELECT start_time, end_time, distance_m, duration_s, moving_s, idle_s, max_speed, score, data, replaced_by IS NOT NULL AS replaced FROM rich_tracks WHERE user_pk = ? ORDER BY created_at, start_time').all(pk),
  });
  const a = day(withThread);
  assert.equal(a.trips.length, 2);
  assert.equal(a.rich.length, 2);
  assert.deepEqual(
    (a.rich as { replaced: number }[]).map((r) => r.replaced),
    [1, 0],
    'the second trip merged into the first (the first rich track is replaced)',
  );
  assert.deepEqual(a, day(without));
  await onThread.stop();
  await inLoop.stop();
  assert.equal(t.available, false, 'stopping the service stops its thread');
});

test('a thread that cannot open the database says so once; the service computes trip ends in the event loop', async () => {
  const reasons: string[] = [];
  const t = thread(path.join(dir, 'missing.sqlite'), (r) => reasons.push(r));
  const job: TrackJob = { userPk: 1, start: 0, end: 1, settings: DEFAULT_TRIP_SETTINGS, merged: null };
  await assert.rejects(t.run(job), /could not open the database/);
  await assert.rejects(t.run(job), /could not open the database/);
  assert.equal(reasons.length, 1);
  assert.match(reasons[0]!, /^the track thread could not open the database: /);
  assert.equal(t.available, false);

  const pk = await device('c1');
  const fixes = [...drive, ...Array.from({ length: 240 }, (_, i) => ({ ...drive.at(-1)!, t: drive.at(-1)!.t + (i + 1) * 1000 }))];
  storeInterleaved([pk], fixes, 2 * DAY);
  const service = new TripService({ storage, logger, clock: systemClock, tracks: t }, { sweepIntervalMs: 0 });
  for (const f of fixes) service.onPosition(committed(pk, record(f, 2 * DAY)));
  await service.idle();
  const trips = storage.db.prepare("SELECT fix_count FROM trips WHERE user_pk = ? AND status = 'received'").all(pk) as { fix_count: number }[];
  assert.equal(trips.length, 1);
  assert.ok(trips[0]!.fix_count > 1_000, `${trips[0]!.fix_count} fixes`);
  await service.stop();
});

test('stop closes the thread before the writer: the last connection removes the WAL; a stopped thread takes no jobs', async () => {
  const own = tempDir('fleetdesk-track-stop-');
  const s = openSqliteStorage(own, systemClock, { windowMs: 5, maxBatch: 10 });
  const t = new TrackThread({ file: path.join(own, DB_FILE) });
  const job: TrackJob = { userPk: 1, start: 0, end: 1000, settings: DEFAULT_TRIP_SETTINGS, merged: null };
  assert.deepEqual((await t.run(job)).fixCount, 0);
  await t.stop();
  await assert.rejects(t.run(job), /stopped/);
  s.close();
  assert.equal(fs.existsSync(path.join(own, `${DB_FILE}-wal`)), false);
});

test('the bundled server (npm run serve) carries the track worker beside it, and that bundle answers a job', async () => {
  const bundle = await serverBundle();
  const script = companionWorkerFile(bundle, 'track-worker');
  assert.ok(fs.existsSync(script), script);
  const pk = await device('d1');
  storeInterleaved([pk], drive, 3 * DAY);
  const job: TrackJob = { userPk: pk, start: drive[0]!.t + 3 * DAY, end: drive.at(-1)!.t + 3 * DAY, settings: DEFAULT_TRIP_SETTINGS, merged: null };
  const worker = new Worker(script, { workerData: { file } satisfies TrackWorkerData });
  try {
    const replies: unknown[] = [];
    const answered = new Promise<unknown>((resolve, reject) => {
      worker.on('message', (m: { id?: number }) => (m.id === 7 ? resolve(m) : replies.push(m)));
      worker.on('error', reject);
    });
    worker.postMessage({ id: 7, job });
    assert.deepEqual(await answered, { id: 7, outcome: inline(job) });
    assert.deepEqual(replies, [{ running: true }]);
  } finally {
    await worker.terminate();
  }
});

test('a trip in progress on the thread: its route as the event loop computes it; its totals shared for a few seconds, then recomputed', async () => {
  const pk = await device('e1');
  const moving = drive.slice(0, 600);
  storeInterleaved([pk], moving, 4 * DAY);
  const t = thread();
  const clock = new ManualClock();
  const service = new TripService({ storage, logger, clock, tracks: t }, { sweepIntervalMs: 0 });
  for (const f of moving) service.onPosition(committed(pk, record(f, 4 * DAY)));
  const cur = service.current(pk);
  assert.ok(cur, 'the device is driving');
  const job = { userPk: pk, start: cur.start, end: cur.last, settings: DEFAULT_TRIP_SETTINGS };

  const full = await service.progress(companyId, pk);
  assert.deepEqual(full, { ...cur, processed: computeProgress((u, from, to) => storage.trips.rawFixes(u, from, to), job) });
  assert.ok(full!.processed.distance_m > 1_000, `${full!.processed.distance_m} m so far`);

  const before = t.answered;
  const [a, b] = await Promise.all([service.progressTotals(companyId, pk), service.progressTotals(companyId, pk)]);
  assert.equal(a, b, 'two consoles asking at once share one computation');
  assert.equal(t.answered, before + 1);
  assert.deepEqual(a!.processed, progressTotals(full!.processed));

  // a new fix within the freshness window: the totals a few seconds old still answer
  const next = drive[600]!;
  storage.positions.insert(pk, record(next, 4 * DAY), 'ws');
  service.onPosition(committed(pk, record(next, 4 * DAY)));
  clock.advance(PROGRESS_TOTALS_FRESH_MS - 1);
  assert.equal((await service.progressTotals(companyId, pk))!.last, cur.last);
  assert.equal(t.answered, before + 1);
  clock.advance(1);
  const fresh = await service.progressTotals(companyId, pk);
  assert.equal(fresh!.last, next.t + 4 * DAY);
  assert.equal(t.answered, before + 2);
  assert.ok(fresh!.processed.distance_m >= a!.processed.distance_m, 'the newer totals include the newer fix');
  await service.stop();
});

test('the thread reports its own memory and the largest job since the previous ask (the soak explains RSS with it)', async () => {
  const pks = [await device('f1'), await device('f2')];
  storeInterleaved(pks, drive, 5 * DAY);
  const t = thread();
  assert.equal(await t.stats(), null, 'not started yet: nothing to report, and asking does not start it');
  const start = drive[0]!.t + 5 * DAY;
  const end = drive.at(-1)!.t + 5 * DAY;
  const half = drive[Math.floor(drive.length / 2)]!.t + 5 * DAY;
  await t.run({ userPk: pks[0]!, start, end: half, settings: DEFAULT_TRIP_SETTINGS, merged: null });
  // a merge reads the earlier trip too: the job's fixes are both reads together
  await t.run({ userPk: pks[1]!, start: half + 1, end, settings: DEFAULT_TRIP_SETTINGS, merged: [{ start, end: half }] });
  const answered = t.answered;
  const s = await t.stats();
  assert.ok(s, 'a running thread reports');
  assert.equal(s.jobs, 2);
  assert.equal(s.largestJobFixes, drive.length);
  assert.ok(s.heapTotalBytes > 1_000_000 && s.heapUsedBytes > 0 && s.heapUsedBytes <= s.heapTotalBytes, JSON.stringify(s));
  assert.equal(t.answered, answered, 'a question about the thread is not a job');
  assert.equal(s.collections, 0, 'the default: at most one full collection every 10 s');
  const again = await t.stats();
  assert.deepEqual([again!.jobs, again!.largestJobFixes], [0, 0], 'each ask starts a new count');
  await t.stop();
  assert.equal(await t.stats(), null, 'a stopped thread reports nothing');
});

test('the thread collects its heap in full after a job, at most as often as asked (V8\'s memory reducer is off in the server)', async () => {
  const pk = await device('g1');
  storeInterleaved([pk], drive, 6 * DAY);
  const t = thread(file, undefined, 0);
  const job: TrackJob = { userPk: pk, start: drive[0]!.t + 6 * DAY, end: drive.at(-1)!.t + 6 * DAY, settings: DEFAULT_TRIP_SETTINGS, merged: null };
  const collections = async (atLeast: number): Promise<number> => {
    // the collection runs as a task of the thread's own, after the job's answer: ask until it has run
    for (let i = 0; i < 100; i++) {
      const n = (await t.stats())!.collections;
      if (n >= atLeast) return n;
      await new Promise((r) => setTimeout(r, 20));
    }
    return (await t.stats())!.collections;
  };
  assert.equal((await t.run(job)).fixCount, drive.length);
  assert.equal(await collections(1), 1);
  assert.deepEqual(await t.run(job), inline(job), 'the outcome after a collection is the same');
  assert.equal(await collections(2), 2);
  await t.stop();
});
