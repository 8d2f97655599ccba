/**
 * The checkpoint thread (checkpointer.ts): its own connection to the database, PASSIVE
 * checkpoints every `intervalMs` until told to stop. A round repeats the checkpoint while
 * commits keep arriving during it (each pass copies only what came in meanwhile, so passes get
 * shorter), until one finds nothing new: then the WAL is fully copied and the writer's next
 * commit may start it over.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { SLOT, STATE, type CheckpointWorkerData } from './checkpointer';

/** a round gives up chasing a writer that commits faster than the passes (the next round goes on) */
const MAX_PASSES = 8;

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

const data = workerData as CheckpointWorkerData;
const slots = new Int32Array(data.slots);

function report(state: number): void {
  Atomics.store(slots, SLOT.STATE, state);
  Atomics.notify(slots, SLOT.STATE);
}

function round(db: Database.Database): void {
  let previous = -1;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
    if (!row) return;
    Atomics.store(slots, SLOT.LOG, row.log);
    Atomics.store(slots, SLOT.CHECKPOINTED, row.checkpointed);
    Atomics.add(slots, SLOT.PASSES, 1);
    Atomics.notify(slots, SLOT.PASSES);
    // busy: the writer's own checkpoint holds the lock; it copies what is there
    if (row.busy !== 0 || row.log <= 0 || (row.log === previous && row.checkpointed === row.log)) return;
    previous = row.log;
  }
}

/**
 * One round; a failed one (the file cannot be written now: read-only, disk full, I/O error) is
 * said once and tried again next interval: what is not copied stays in the WAL, where it is safe.
 */
function roundOrStall(db: Database.Database): void {
  try {
    round(db);
  } catch (err) {
    if (Atomics.exchange(slots, SLOT.STALLED, 1) === 0) parentPort?.postMessage({ stalled: err instanceof Error ? err.message : String(err) });
    return;
  }
  if (Atomics.exchange(slots, SLOT.STALLED, 0) === 1) parentPort?.postMessage({ resumed: true });
}

function run(): void {
  if (Atomics.load(slots, SLOT.STOP) !== 0) return report(STATE.CLOSED);
  let db: Database.Database | null = null;
  try {
    db = new Database(data.file, { fileMustExist: true, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}) });
    db.pragma(`synchronous = ${data.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    report(STATE.RUNNING);
    parentPort?.postMessage({ running: true });
    while (Atomics.load(slots, SLOT.STOP) === 0) {
      const wake = Atomics.load(slots, SLOT.WAKE);
      roundOrStall(db);
      Atomics.wait(slots, SLOT.WAKE, wake, data.intervalMs);
    }
    db.close();
    report(STATE.CLOSED);
  } catch (err) {
    try {
      db?.close();
    } catch {
      // already failing: the first error is the one to tell
    }
    report(STATE.FAILED);
    parentPort?.postMessage({ failure: err instanceof Error ? err.message : String(err) });
  }
}

run();
