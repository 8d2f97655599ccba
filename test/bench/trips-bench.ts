/**
 * `npm run bench:trips`: what trip detection costs per fix. Not a test: it prints figures.
 *
 * The real Munich drive (shared/realworld/traces/barefoot-munich-x0001-001.json, 1194
 * fixes at 1 Hz, followed by 10 parked minutes so each trip ends on a stop) is played by
 * `--devices` devices at once, fix k of every device before fix k+1 (as live traffic arrives):
 *
 * 1. the detector alone (pure state machine): ns per fix, fixes per second on one core;
 * 2. the ingest hook (TripService.onPosition on a real SQLite file: device lookup, the rebuild
 *    query at a device's first fix, the detector, queuing the trip end): ns per fix;
 * 3. recording a finished trip off the ingest path (read the raw fixes, judge, process, merge
 *    check, one transaction with the events), every device's drive stored interleaved as a
 *    fleet's fixes are: `--finish` trips in the event loop, then `--finish` on the track thread
 *    (trips/track-thread.ts): the event loop's busy time per trip and the longest delay a timer
 *    saw meanwhile, and the wall time per trip.
 *
 * Ingest throughput with detection on is `npm run bench:http` (detection is always wired).
 *
 *   npm run bench:trips -- --devices 2000 --finish 100
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DEFAULT_TRIP_SETTINGS } from '../../shared/api/trips';
import { addCompany, addUser } from '../../main/server/accounts';
import type { CommittedFix } from '../../main/server/ingest/stages';
import { openSqliteStorage } from '../../main/server/store/storage';
import { TripDetector, type TripBoundary } from '../../main/server/trips/detector';
import type { RawFix } from '../../main/server/trips/process';
import { TripService } from '../../main/server/trips/trip-service';
import { systemClock } from '../../main/server/clock';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { DB_FILE } from '../../main/server/store/database';
import { TrackThread } from '../../main/server/trips/track-thread';
import { munichTrace } from '../support/synthetic-trips';
import { accountsFrom } from '../../main/server/open-accounts';

const { values: opts } = parseArgs({
  options: {
    devices: { type: 'string', default: '2000' },
    finish: { type: 'string', default: '100' },
  },
});
const N = Number(opts.devices);
const FINISH = Number(opts.finish);

const drive = munichTrace();
const last = drive.at(-1) as RawFix;
const fixes: RawFix[] = [...drive, ...Array.from({ length: 600 }, (_, i) => ({ ...last, t: last.t + (i + 1) * 1000, speed: 0 }))];
const totalFixes = N * fixes.length;
const log = (m: string) => process.stderr.write(`${m}\n`);

// 1. the detector alone
const detectors = Array.from({ length: N }, () => new TripDetector(() => DEFAULT_TRIP_SETTINGS));
let ended = 0;
const t1 = process.hrtime.bigint();
for (const f of fixes) {
  for (const d of detectors) if (d.push(f) as TripBoundary | null) ended++;
}
const detectorNs = Number(process.hrtime.bigint() - t1) / totalFixes;
log(`detector: ${N} devices × ${fixes.length} fixes, ${ended} trips, ${detectorNs.toFixed(0)} ns/fix`);

// 2. the ingest hook on a real database
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-trips-bench-'));
const storage = openSqliteStorage(dir, systemClock, { windowMs: 5, maxBatch: 500 });
const accounts = accountsFrom(storage, dir);
const users = accounts.users;
const company = addCompany(accounts, 'Bench', 'bench').id;
for (let i = 0; i < N; i++) await addUser(accounts, { companyId: company, userId: `d${i}`, role: 'driver' });
const pks = Array.from({ length: N }, (_, i) => users.get(company, `d${i}`)!.pk);
const logger = pino({ level: 'silent' });
const service = new TripService({ storage, logger, clock: systemClock }, { sweepIntervalMs: 0 });
const reqs = pks.map((pk, i) => ({ companyId: company, userPk: pk, userId: `d${i}`, source: 'bench', live: false }));
const t2 = process.hrtime.bigint();
for (const f of fixes) {
  const position = { lat: f.lat, lng: f.lng, speed: f.speed, bearing: f.bearing, accuracy: f.accuracy, altitude: f.altitude, deviceTime: f.t, serverTime: f.t };
  for (const r of reqs) service.onPosition({ ...r, position } as CommittedFix);
}
const hookNs = Number(process.hrtime.bigint() - t2) / totalFixes;
log(`ingest hook: ${hookNs.toFixed(0)} ns/fix`);
// their trips have no stored fixes: they are judged removed quickly; drain them
await service.idle();

// 3. recording trips whose fixes are stored as a fleet's are: fix k of every device before fix
// k+1, so one device's fixes sit one to a page. FINISH trips recorded in the event loop
// (finish(), one per turn, as without a track thread), then FINISH other devices' on the track
// thread (finishAside): what each costs the event loop (its busy time per trip, the longest
// delay a timer saw) and the wall time per trip.
const SHIFT = 86_400_000;
storage.atomically(() => {
  for (const f of drive) {
    const position = { lat: f.lat, lng: f.lng, speed: 0, bearing: 0, accuracy: null, altitude: null, deviceTime: f.t + SHIFT, serverTime: f.t };
    for (const pk of pks) storage.positions.insert(pk, position, 'bench');
  }
});
const trip: TripBoundary = { start: (drive[0] as RawFix).t + SHIFT, end: last.t + SHIFT, endReason: 'stop' };

interface Recorded {
  received: number;
  wall_ms_per_trip: number;
  loop_busy_ms_per_trip: number;
  loop_delay_max_ms: number;
  loop_delay_p99_ms: number;
}
async function recordTrips(devices: number[], one: (pk: number) => Promise<unknown>): Promise<Recorded> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const elu0 = performance.eventLoopUtilization();
  delay.enable();
  const t0 = performance.now();
  let received = 0;
  for (const pk of devices) if (((await one(pk)) as { status?: string } | null)?.status === 'received') received++;
  const wall = performance.now() - t0;
  delay.disable();
  const elu = performance.eventLoopUtilization(elu0);
  return {
    received,
    wall_ms_per_trip: Number((wall / devices.length).toFixed(2)),
    loop_busy_ms_per_trip: Number((elu.active / devices.length).toFixed(2)),
    loop_delay_max_ms: Number((delay.max / 1e6).toFixed(1)),
    loop_delay_p99_ms: Number((delay.percentile(99) / 1e6).toFixed(1)),
  };
}
const inLoop = await recordTrips(pks.slice(0, FINISH), (pk) => new Promise((resolve) => setImmediate(() => resolve(service.finish(company, pk, trip)))));
log(`trip ends in the event loop: ${JSON.stringify(inLoop)}`);
const tracks = new TrackThread({ file: path.join(dir, DB_FILE) });
const aside = new TripService({ storage, logger, clock: systemClock, tracks }, { sweepIntervalMs: 0 });
await tracks.run({ userPk: 0, start: 0, end: 0, settings: DEFAULT_TRIP_SETTINGS, merged: null }); // the thread's start is not a trip's cost
const onThread = await recordTrips(pks.slice(FINISH, 2 * FINISH), (pk) => aside.finishAside(company, pk, trip));
log(`trip ends on the track thread: ${JSON.stringify(onThread)}`);
await aside.stop();
await service.stop();
storage.close();
fs.rmSync(dir, { recursive: true, force: true });

console.log(
  JSON.stringify(
    {
      devices: N,
      fixes_per_device: fixes.length,
      total_fixes: totalFixes,
      trips_detected: ended,
      detector_ns_per_fix: Math.round(detectorNs),
      detector_fixes_per_s_one_core: Math.round(1e9 / detectorNs),
      ingest_hook_ns_per_fix: Math.round(hookNs),
      ingest_hook_fixes_per_s_one_core: Math.round(1e9 / hookNs),
      finish_fixes_per_trip: drive.length,
      finish_in_event_loop: inLoop,
      finish_on_track_thread: onThread,
    },
    null,
    2,
  ),
);
