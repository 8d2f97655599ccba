/**
 * After a restart every device's first fix rebuilds its trip detector from stored fixes. A whole
 * fleet reconnecting at once must not rebuild everything in one turn of the event loop: past a
 * per-turn budget the rebuilds wait for later turns, the fixes that arrive meanwhile wait with
 * them, and every trip in progress still continues where it was (real SQLite, real TripService).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pino from 'pino';
import { addCompany, addUser } from '../../main/server/accounts';
import { systemClock } from '../../main/server/clock';
import type { CommittedFix } from '../../main/server/ingest/stages';
import type { PositionRecord } from '../../main/server/ingest/position';
import { accountsFrom } from '../../main/server/open-accounts';
import { openSqliteStorage } from '../../main/server/store/storage';
import { TripService } from '../../main/server/trips/trip-service';
import { tempDir } from '../support/temp-dir';

const DEVICES = 150;
const STORED = 800; // seconds of driving stored per device before the "restart"
const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);

const dir = tempDir('fleetdesk-rebuild-');
const storage = openSqliteStorage(dir, systemClock, { windowMs: 5, maxBatch: 500 });
after(() => storage.close());
const logger = pino({ level: 'silent' });

/** device i drives north at 15 m/s from its own start, one fix a second */
const fixAt = (i: number, k: number): PositionRecord => ({
  lat: 48 + i * 0.01 + (k * 15) / 111_320,
  lng: 11.5,
  speed: 15,
  bearing: 0,
  accuracy: 5,
  altitude: null,
  deviceTime: T0 + k * 1000,
  serverTime: T0 + k * 1000,
});

const committed = (companyId: string, userPk: number, position: PositionRecord): CommittedFix =>
  ({ companyId, userPk, userId: `d${userPk}`, source: 'ws', live: true, position }) as CommittedFix;

async function fleet(): Promise<{ companyId: string; pks: number[] }> {
  const accounts = accountsFrom(storage, dir);
  const companyId = addCompany(accounts, 'Rebuild', 'rebuild').id;
  const pks: number[] = [];
  for (let i = 0; i < DEVICES; i++) {
    await addUser(accounts, { companyId, userId: `d${i}`, role: 'driver' });
    pks.push(accounts.users.get(companyId, `d${i}`)!.pk);
  }
  storage.atomically(() => {
    for (let i = 0; i < DEVICES; i++) for (let k = 0; k < STORED; k++) storage.positions.insert(pks[i] as number, fixAt(i, k), 'ws');
  });
  return { companyId, pks };
}

test('a fleet reconnecting after a restart: rebuilds spread over turns, every trip continues, fixes that waited are applied in order', async () => {
  const { companyId, pks } = await fleet();

  // What one device rebuilt on its own (no queue) says about its trip: the reference.
  const alone = new TripService({ storage, logger, clock: systemClock }, { sweepIntervalMs: 0 });
  alone.onPosition(committed(companyId, pks[0] as number, fixAt(0, STORED)));
  const reference = alone.current(pks[0] as number);
  assert.ok(reference, 'the stored drive is a trip in progress');
  assert.equal(reference.last, T0 + STORED * 1000);
  await alone.stop();

  const service = new TripService({ storage, logger, clock: systemClock }, { sweepIntervalMs: 0 });
  // Every device's first fix after the restart in one turn, and a second one for every tenth.
  for (let i = 0; i < DEVICES; i++) {
    service.onPosition(committed(companyId, pks[i] as number, fixAt(i, STORED)));
    if (i % 10 === 0) service.onPosition(committed(companyId, pks[i] as number, fixAt(i, STORED + 1)));
  }
  const rebuiltInTurn = pks.filter((pk) => service.current(pk) !== null).length;
  assert.ok(rebuiltInTurn >= 1, 'the first rebuilds run at once');
  assert.ok(rebuiltInTurn < DEVICES, `120,000 stored fixes are not replayed in one turn (${rebuiltInTurn} of ${DEVICES} were)`);

  await service.idle();
  for (let i = 0; i < DEVICES; i++) {
    const cur = service.current(pks[i] as number);
    assert.ok(cur, `device ${i}'s trip continues`);
    assert.equal(cur.start, reference.start, `device ${i}'s trip keeps its start`);
    assert.equal(cur.last, T0 + (i % 10 === 0 ? STORED + 1 : STORED) * 1000, `device ${i} has every fix that waited`);
  }
  // A fix behind the device's newest is the detector's to refuse, as without a queue.
  service.onPosition(committed(companyId, pks[0] as number, fixAt(0, STORED + 2)));
  assert.equal(service.current(pks[0] as number)?.last, T0 + (STORED + 2) * 1000);
  await service.stop();
});

test('stopping with rebuilds still queued drops them and resolves', async () => {
  const accounts = accountsFrom(storage, dir);
  const companyId = 'rebuild';
  const pks = Array.from({ length: DEVICES }, (_, i) => accounts.users.get(companyId, `d${i}`)!.pk);
  const service = new TripService({ storage, logger, clock: systemClock }, { sweepIntervalMs: 0 });
  for (let i = 0; i < DEVICES; i++) service.onPosition(committed(companyId, pks[i] as number, fixAt(i, STORED + 5)));
  const queued = pks.filter((pk) => service.current(pk) === null).length;
  assert.ok(queued > 0, 'some rebuilds were queued');
  await service.stop(); // resolves: it does not wait for the queue to be replayed
  assert.ok(pks.filter((pk) => service.current(pk) === null).length >= queued, 'queued rebuilds were dropped, not run');
});
