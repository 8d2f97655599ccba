/**
 * The phone's outbox in IndexedDB (`idb`): every fix goes here first and leaves only when the
 * server acknowledged it, so fixes survive reloads, crashes of the tab and offline hours. SOS
 * and crash alerts wait in their own store the same way.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AlertPayload } from '../../../shared/protocol/device';
import type { QueuedFix } from './wire';

export interface QueuedAlert {
  seq: number;
  payload: AlertPayload;
}

interface DriverDb extends DBSchema {
  fixes: { key: number; value: QueuedFix };
  alerts: { key: number; value: QueuedAlert };
}

const DB_NAME = 'fleetdesk-driver';
const SEQ_KEY = 'fleetdesk.driver.seq';

export class Outbox {
  private constructor(private readonly db: IDBPDatabase<DriverDb>) {}

  static async open(): Promise<Outbox> {
    const db = await openDB<DriverDb>(DB_NAME, 1, {
      upgrade(d) {
        d.createObjectStore('fixes', { keyPath: 'seq' });
        d.createObjectStore('alerts', { keyPath: 'seq' });
      },
    });
    const outbox = new Outbox(db);
    // The seq counter lives in localStorage; it must stay above anything still queued.
    const last = await Promise.all([db.getAllKeys('fixes'), db.getAllKeys('alerts')]);
    const maxQueued = Math.max(0, ...last.flat());
    if (readSeq() < maxQueued) localStorage.setItem(SEQ_KEY, String(maxQueued));
    return outbox;
  }

  /** The next sequence number: increasing across reloads. */
  nextSeq(): number {
    const seq = readSeq() + 1;
    localStorage.setItem(SEQ_KEY, String(seq));
    return seq;
  }

  putFix(fix: QueuedFix): Promise<number> {
    return this.db.put('fixes', fix);
  }

  /** Queued fixes, oldest first. */
  fixes(): Promise<QueuedFix[]> {
    return this.db.getAll('fixes');
  }

  countFixes(): Promise<number> {
    return this.db.count('fixes');
  }

  async deleteFixes(seqs: readonly number[]): Promise<void> {
    const tx = this.db.transaction('fixes', 'readwrite');
    await Promise.all([...seqs.map((s) => tx.store.delete(s)), tx.done]);
  }

  putAlert(alert: QueuedAlert): Promise<number> {
    return this.db.put('alerts', alert);
  }

  alerts(): Promise<QueuedAlert[]> {
    return this.db.getAll('alerts');
  }

  deleteAlert(seq: number): Promise<void> {
    return this.db.delete('alerts', seq);
  }

  async clear(): Promise<void> {
    await Promise.all([this.db.clear('fixes'), this.db.clear('alerts')]);
  }
}

function readSeq(): number {
  const n = Number(localStorage.getItem(SEQ_KEY));
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
