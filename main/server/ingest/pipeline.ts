import type { PositionRecord } from '../store/positions';
import type { PositionWriter } from '../store/position-writer';
import type { PositionStore } from '../store/positions';
import type { DriverRateLimit } from './rate-limit';

export interface IngestRequest {
  companyId: string;
  userPk: number;
  userId: string;
  position: PositionRecord;
  /** which adapter it came through: 'ws', 'http', … */
  source: string;
  /** live updates obey the per-driver rate limit */
  live: boolean;
}

export type IngestRejection = { error: 'BadPayload' | 'RateLimited'; message: string };
export type CommitCallback = (err: Error | null, stored: boolean) => void;
export type PositionListener = (req: IngestRequest) => void;

const DAY_MS = 24 * 3600 * 1000;

/**
 * The one path every position takes: sanity checks → rate limit → group-commit store →
 * (after commit) listeners such as the live fan-out. Adapters convert units before this.
 */
export class IngestPipeline {
  private readonly listeners: PositionListener[] = [];
  /** newest device time fanned out per device, so late fixes never move a live marker back */
  private readonly newest = new Map<number, number>();

  constructor(
    private readonly writer: PositionWriter,
    private readonly positions: PositionStore,
    private readonly rateLimit: DriverRateLimit,
  ) {}

  onPosition(listener: PositionListener): void {
    this.listeners.push(listener);
  }

  /** Returns a rejection at once, or null and later calls `committed` after the commit. */
  submit(req: IngestRequest, committed: CommitCallback): IngestRejection | null {
    const p = req.position;
    if (p.lat === 0 && p.lng === 0) return { error: 'BadPayload', message: 'a fix at 0,0 is not a real position' };
    if (p.deviceTime > p.serverTime + DAY_MS) return { error: 'BadPayload', message: 'timestamp is more than a day in the future' };
    if (req.live && !this.rateLimit.allow(req.userPk, p.serverTime)) {
      return { error: 'RateLimited', message: 'at most one location update per second per driver' };
    }
    // Learn the device's newest time before this write commits: read after the commit, the
    // batch's own newest fix would hide every earlier one of the same batch from the fan-out.
    if (!this.newest.has(req.userPk)) this.newest.set(req.userPk, this.positions.latest(req.userPk)?.device_time ?? -Infinity);
    this.writer.enqueue({
      userPk: req.userPk,
      position: p,
      source: req.source,
      done: (err, stored) => {
        if (!err && stored && this.isNewest(req.userPk, p.deviceTime)) {
          for (const l of this.listeners) l(req);
        }
        committed(err, stored);
      },
    });
    return null;
  }

  private isNewest(userPk: number, deviceTime: number): boolean {
    if (deviceTime < (this.newest.get(userPk) ?? -Infinity)) return false;
    this.newest.set(userPk, deviceTime);
    return true;
  }
}
