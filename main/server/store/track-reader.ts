/**
 * A read-only connection of its own for reading finished trips' fixes off the event loop (the
 * track thread, trips/track-worker.ts). SQLite in WAL mode lets it read while the writer
 * commits; it sees every committed fix.
 */
import Database from 'better-sqlite3';
import type { RawFix } from '../trips/process';
import type { PositionRow } from './positions';
import { MAX_TRACK_FIXES, toRawFix, TRACK_FIXES_SQL } from './trips';

export interface TrackReader {
  /** the device's stored fixes in [from, to] (device time), flagged ones included, oldest first */
  read(userPk: number, from: number, to: number): RawFix[];
  close(): void;
}

export function openTrackReader(file: string, nativeBinding?: string): TrackReader {
  const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    db.pragma('busy_timeout = 2000');
    const stmt = db.prepare<[number, number, number, number], PositionRow>(TRACK_FIXES_SQL);
    return {
      read: (userPk, from, to) => stmt.all(userPk, from, to, MAX_TRACK_FIXES).map(toRawFix),
      close: () => db.close(),
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
