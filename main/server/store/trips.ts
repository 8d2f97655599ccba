import type { Db } from './database';
import type { PositionRow } from './positions';
import { HIDDEN_FLAGS } from './position-flags';
import type { RawFix } from '../trips/process';

/** A raw track (IncomingTrack), table trips. Times are device times, epoch ms. */
export interface TripRow {
  id: string;
  user_pk: number;
  start_time: number;
  end_time: number;
  status: 'received' | 'removed';
  reason: string | null;
  fix_count: number;
  end_reason: string;
  created_at: number;
}

/** A processed track (RichTrack), table rich_tracks; `data` holds geometry, events, stops and counts as JSON. */
export interface RichRow {
  id: string;
  user_pk: number;
  start_time: number;
  end_time: number;
  trip_ids: string;
  distance_m: number;
  duration_s: number;
  moving_s: number;
  idle_s: number;
  avg_speed: number;
  max_speed: number;
  score: number;
  data: string;
  replaced_by: string | null;
  created_at: number;
}

/** A row with the device (user) it belongs to. */
export type Owned<T> = T & { user_id: string; company_id: string };

export const toRawFix = (r: PositionRow): RawFix => ({
  t: r.device_time,
  lat: r.lat,
  lng: r.lng,
  speed: r.speed,
  bearing: r.bearing,
  accuracy: r.accuracy,
  altitude: r.altitude,
  flags: r.flags,
});

/** A raw track holds at most this many fixes (a day at 1 Hz is 86 400). */
export const MAX_TRACK_FIXES = 200_000;

const TRACK_RANGE = 'FROM positions WHERE user_pk = ? AND device_time >= ? AND device_time <= ? ORDER BY device_time LIMIT ?';
/** Every stored fix of a device in [from, to] (device time), flagged ones included, oldest first, at most a limit. */
export const TRACK_FIXES_SQL = `SELECT * ${TRACK_RANGE}`;
/** The same fixes as RawFix rows: only what trips read, one object a fix (a trip end reads thousands). */
export const RAW_TRACK_FIXES_SQL = `SELECT device_time AS t, lat, lng, speed, bearing, accuracy, altitude, flags ${TRACK_RANGE}`;

/** SQL for trips and rich tracks; no logic. */
export class TripStore {
  private readonly insertTripStmt;
  private readonly insertRichStmt;
  private readonly replaceStmt;
  private readonly previousRichStmt;
  private readonly positionsStmt;
  private readonly rawFixesStmt;
  private readonly tripStmt;
  private readonly richStmt;
  private readonly richListStmt;
  private readonly removedListStmt;
  private readonly lastEndStmt;
  private readonly overlapStmt;
  private readonly recentStmt;

  constructor(db: Db) {
    this.insertTripStmt = db.prepare(
      `INSERT INTO trips (id, user_pk, start_time, end_time, status, reason, fix_count, end_reason, created_at)
       VALUES (@id, @user_pk, @start_time, @end_time, @status, @reason, @fix_count, @end_reason, @created_at)`,
    );
    this.insertRichStmt = db.prepare(
      `INSERT INTO rich_tracks (id, user_pk, start_time, end_time, trip_ids, distance_m, duration_s, moving_s, idle_s, avg_speed, max_speed, score, data, replaced_by, created_at)
       VALUES (@id, @user_pk, @start_time, @end_time, @trip_ids, @distance_m, @duration_s, @moving_s, @idle_s, @avg_speed, @max_speed, @score, @data, @replaced_by, @created_at)`,
    );
    this.replaceStmt = db.prepare('UPDATE rich_tracks SET replaced_by = ? WHERE id = ? AND replaced_by IS NULL');
    this.previousRichStmt = db.prepare<[number, number, number], RichRow>(
      `SELECT * FROM rich_tracks WHERE user_pk = ? AND replaced_by IS NULL AND end_time >= ? AND end_time <= ?
       ORDER BY end_time DESC LIMIT 1`,
    );
    this.positionsStmt = db.prepare<[number, number, number, number], PositionRow>(TRACK_FIXES_SQL);
    this.rawFixesStmt = db.prepare<[number, number, number, number], RawFix>(RAW_TRACK_FIXES_SQL);
    const owned = 'JOIN users u ON u.pk = x.user_pk WHERE x.id = ? AND u.company_id = ?';
    this.tripStmt = db.prepare<[string, string], Owned<TripRow>>(`SELECT x.*, u.user_id, u.company_id FROM trips x ${owned}`);
    this.richStmt = db.prepare<[string, string], Owned<RichRow>>(`SELECT x.*, u.user_id, u.company_id FROM rich_tracks x ${owned}`);
    this.richListStmt = db.prepare<[number, number, number], RichRow>(
      'SELECT * FROM rich_tracks WHERE user_pk = ? AND replaced_by IS NULL AND start_time >= ? AND start_time < ? ORDER BY start_time',
    );
    this.removedListStmt = db.prepare<[number, number, number], TripRow>(
      "SELECT * FROM trips WHERE user_pk = ? AND status = 'removed' AND start_time >= ? AND start_time < ? ORDER BY start_time",
    );
    this.lastEndStmt = db.prepare<[number], { end: number | null }>('SELECT MAX(end_time) AS end FROM trips WHERE user_pk = ?');
    this.overlapStmt = db.prepare<[number, number, number], { id: string }>('SELECT id FROM trips WHERE user_pk = ? AND end_time >= ? AND start_time <= ? LIMIT 1');
    this.recentStmt = db.prepare<[number, number, number, number], PositionRow>(
      `SELECT * FROM (SELECT * FROM positions WHERE user_pk = ? AND (flags & ${HIDDEN_FLAGS}) = 0 AND device_time > ? AND device_time < ?
       ORDER BY device_time DESC LIMIT ?) ORDER BY device_time`,
    );
  }

  insertTrip(row: TripRow): void {
    this.insertTripStmt.run(row);
  }

  insertRich(row: RichRow): void {
    this.insertRichStmt.run(row);
  }

  /** Marks a rich track replaced (by a merge); false when it already was. */
  replace(id: string, by: string): boolean {
    return this.replaceStmt.run(by, id).changes === 1;
  }

  /** The device's latest current rich track that ended in [from, to]. */
  previousRich(userPk: number, from: number, to: number): RichRow | undefined {
    return this.previousRichStmt.get(userPk, from, to);
  }

  /** Every stored fix of the device in [from, to] (device time), flagged ones included, oldest first. */
  positions(userPk: number, from: number, to: number): PositionRow[] {
    return this.positionsStmt.all(userPk, from, to, MAX_TRACK_FIXES);
  }

  rawFixes(userPk: number, from: number, to: number): RawFix[] {
    return this.rawFixesStmt.all(userPk, from, to, MAX_TRACK_FIXES);
  }

  /** Unflagged fixes strictly between `after` and `before`, the newest `limit` of them, oldest first. */
  recentFixes(userPk: number, after: number, before: number, limit: number): RawFix[] {
    return this.recentStmt.all(userPk, after, before, limit).map(toRawFix);
  }

  trip(companyId: string, id: string): Owned<TripRow> | undefined {
    return this.tripStmt.get(id, companyId);
  }

  rich(companyId: string, id: string): Owned<RichRow> | undefined {
    return this.richStmt.get(id, companyId);
  }

  /** Current (not replaced) rich tracks starting in [from, to). */
  richList(userPk: number, from: number, to: number): RichRow[] {
    return this.richListStmt.all(userPk, from, to);
  }

  removedList(userPk: number, from: number, to: number): TripRow[] {
    return this.removedListStmt.all(userPk, from, to);
  }

  /** End of the device's last recorded raw track (device time), or null. */
  lastTripEnd(userPk: number): number | null {
    return this.lastEndStmt.get(userPk)?.end ?? null;
  }

  /** Whether a recorded raw track overlaps [from, to]: a trip is never recorded twice. */
  overlaps(userPk: number, from: number, to: number): boolean {
    return this.overlapStmt.get(userPk, from, to) !== undefined;
  }
}
