/**
 * A read-only connection of its own for reading finished trips' fixes off the event loop (the
 * track thread, trips/track-worker.ts). SQLite in WAL mode lets it read while the writer
 * commits; it sees every committed fix.
 */
import Database from 'better-sqlite3';
import type { RawFix } from '../trips/process';
import { MAX_TRACK_FIXES, RAW_TRACK_FIXES_SQL } from './trips';

/**
 * Its page cache, KiB. The writer commits every few milliseconds, and a WAL reader whose file
 * changed drops its whole cache when its next read begins, so nothing cached outlives a job: the
 * cache only holds one job's pages until the next. At better-sqlite3's default (16 MiB) it grew
 * with the longest trip read so far (a fix a page: 600 fixes, ~2.5 MiB of glibc's heap held
 * between jobs), and RSS rose ~0.5 MB a minute through a soak whose trips lengthen. 1 MiB keeps
 * the B-tree's inner pages for the job's lookups and recycles leaf pages.
 */
export const TRACK_READER_CACHE_KIB = 1024;

export interface TrackReader {
  /** the device's stored fixes in [from, to] (device time), flagged ones included, oldest first */
  read(userPk: number, from: number, to: number): RawFix[];
  close(): void;
}

export function openTrackReader(file: string, nativeBinding?: string): TrackReader {
  const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    db.pragma('busy_timeout = 2000');
    db.pragma(`cache_size = -${TRACK_READER_CACHE_KIB}`);
    const stmt = db.prepare<[number, number, number, number], RawFix>(RAW_TRACK_FIXES_SQL);
    return {
      read: (userPk, from, to) => stmt.all(userPk, from, to, MAX_TRACK_FIXES),
      close: () => db.close(),
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
