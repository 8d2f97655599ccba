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
 *    check, one transaction with the events): ms per trip, for `--finish` devices whose fixes
 *    are stored.
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

// 3. recording a trip whose fixes are stored
const fpk = pks.slice(0, FINISH);
storage.atomically(() => {
  for (const pk of fpk) for (const f of drive) storage.positions.insert(pk, { lat: f.lat, lng: f.lng, speed: 0, bearing: 0, accuracy: null, altitude: null, deviceTime: f.t + 86_400_000, serverTime: f.t }, 'bench');
});
const t3 = process.hrtime.bigint();
let received = 0;
for (const pk of fpk) {
  const r = service.finish(company, pk, { start: (drive[0] as RawFix).t + 86_400_000, end: last.t + 86_400_000, endReason: 'stop' });
  if (r?.status === 'received') received++;
}
const finishMs = Number(process.hrtime.bigint() - t3) / 1e6 / FINISH;
log(`finish: ${received}/${FINISH} received, ${finishMs.toFixed(2)} ms/trip`);
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
      finish_ms_per_trip: Number(finishMs.toFixed(2)),
      finish_fixes_per_trip: drive.length,
    },
    null,
    2,
  ),
);
