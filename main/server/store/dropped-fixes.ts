import type { DropReason, DroppedCount } from '../../../shared/protocol/reception';
import type { Clock } from '../clock';
import type { Db } from './database';

/** One fix dropped for good. */
export interface DropRecord {
  userPk: number;
  reason: DropReason;
  message: string;
  source: string;
  /** arrival, epoch ms */
  at: number;
  lat?: number | null;
  lng?: number | null;
  deviceTime?: number | null;
}

interface Bucket {
  userPk: number;
  hour: number;
  reason: DropReason;
  count: number;
  last: DropRecord;
}

const HOUR_MS = 3600_000;
/** Counts older than this are removed. */
export const DROPPED_RETENTION_MS = 31 * 24 * HOUR_MS;
/** Counts wait this long in memory before they are written together. */
const FLUSH_DELAY_MS = 1000;

const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;
const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Fixes dropped for good, counted per device, hour and reason with the last one's details.
 * A replaying phone can send thousands of duplicates: they are summed in memory and written in
 * one transaction a second later (or at stop), never one write per fix on the ingest path.
 */
export class DroppedFixStore {
  private pending = new Map<string, Bucket>();
  private timer: NodeJS.Timeout | null = null;
  private lastPrune = -Infinity;
  private readonly upsert;
  private readonly prune;
  private readonly ofUser;
  private readonly ofCompany;
  private readonly writeAll;

  constructor(
    db: Db,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO dropped_fixes (user_pk, hour, reason, count, last_at, last_message, last_source, last_lat, last_lng, last_device_time)
       VALUES (@userPk, @hour, @reason, @count, @at, @message, @source, @lat, @lng, @deviceTime)
       ON CONFLICT (user_pk, hour, reason) DO UPDATE SET count = count + excluded.count,
         last_at = excluded.last_at, last_message = excluded.last_message, last_source = excluded.last_source,
         last_lat = excluded.last_lat, last_lng = excluded.last_lng, last_device_time = excluded.last_device_time
       WHERE excluded.last_at >= dropped_fixes.last_at`,
    );
    this.prune = db.prepare('DELETE FROM dropped_fixes WHERE hour < ?');
    const summary = `SELECT user_pk, reason, sum(count) AS count, max(last_at) AS last_at,
        (SELECT last_message FROM dropped_fixes d2 WHERE d2.user_pk = d.user_pk AND d2.reason = d.reason AND d2.hour >= @since ORDER BY last_at DESC LIMIT 1) AS last_message,
        (SELECT last_source FROM dropped_fixes d2 WHERE d2.user_pk = d.user_pk AND d2.reason = d.reason AND d2.hour >= @since ORDER BY last_at DESC LIMIT 1) AS last_source
      FROM dropped_fixes d`;
    this.ofUser = db.prepare<{ userPk: number; since: number }, SummaryRow>(
      `${summary} WHERE user_pk = @userPk AND hour >= @since GROUP BY user_pk, reason ORDER BY count DESC, reason`,
    );
    this.ofCompany = db.prepare<{ companyId: string; since: number }, SummaryRow>(
      `${summary} WHERE hour >= @since AND user_pk IN (SELECT pk FROM users WHERE company_id = @companyId)
       GROUP BY user_pk, reason ORDER BY user_pk, count DESC, reason`,
    );
    this.writeAll = db.transaction((buckets: Bucket[]) => {
      for (const b of buckets) {
        const l = b.last;
        // A device deleted meanwhile has no row to count against: its counts go with it.
        try {
          this.upsert.run({ userPk: b.userPk, hour: b.hour, reason: b.reason, count: b.count, at: l.at, message: l.message, source: l.source, lat: finite(l.lat), lng: finite(l.lng), deviceTime: finite(l.deviceTime) });
        } catch (err) {
          if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') throw err;
        }
      }
    });
  }

  record(d: DropRecord): void {
    const hour = hourOf(d.at);
    const key = `${d.userPk}|${hour}|${d.reason}`;
    const b = this.pending.get(key);
    if (b) {
      b.count++;
      if (d.at >= b.last.at) b.last = d;
    } else {
      this.pending.set(key, { userPk: d.userPk, hour, reason: d.reason, count: 1, last: d });
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.flushLater(), FLUSH_DELAY_MS);
      this.timer.unref();
    }
  }

  /**
   * The timer's flush: a write that fails (disk full, …) must not end the process from a timer.
   * The counts go back to memory (merged with newer ones) and are tried again later.
   */
  private flushLater(): void {
    const waiting = this.pending;
    try {
      this.flush();
    } catch {
      for (const [key, b] of waiting) {
        const newer = this.pending.get(key);
        if (newer) {
          newer.count += b.count;
          if (b.last.at > newer.last.at) newer.last = b.last;
        } else this.pending.set(key, b);
      }
      if (!this.timer) {
        this.timer = setTimeout(() => this.flushLater(), FLUSH_DELAY_MS * 10);
        this.timer.unref();
      }
    }
  }

  /** Writes what waits in memory (and now and then removes counts past their retention). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = this.clock.now();
    if (now - this.lastPrune > HOUR_MS) {
      this.prune.run(hourOf(now - DROPPED_RETENTION_MS));
      this.lastPrune = now;
    }
    if (this.pending.size === 0) return;
    const buckets = [...this.pending.values()];
    this.pending = new Map();
    this.writeAll(buckets);
  }

  /** One device's drops since `since` (counted from the start of that hour), most frequent first. */
  summary(userPk: number, since: number): DroppedCount[] {
    this.flush();
    return this.ofUser.all({ userPk, since: hourOf(since) }).map(countView);
  }

  /** Every device of a company that dropped fixes since `since`, by user pk. */
  ofCompanyDevices(companyId: string, since: number): Map<number, DroppedCount[]> {
    this.flush();
    const out = new Map<number, DroppedCount[]>();
    for (const r of this.ofCompany.all({ companyId, since: hourOf(since) })) {
      const list = out.get(r.user_pk) ?? [];
      list.push(countView(r));
      out.set(r.user_pk, list);
    }
    return out;
  }

  close(): void {
    this.flush();
  }
}

interface SummaryRow {
  user_pk: number;
  reason: DropReason;
  count: number;
  last_at: number;
  last_message: string;
  last_source: string;
}

const countView = (r: SummaryRow): DroppedCount => ({
  reason: r.reason,
  count: r.count,
  last_at: new Date(r.last_at).toISOString(),
  last_message: r.last_message,
  last_source: r.last_source,
});
