import type { PositionRecord, PositionStore } from '../store/positions';
import type { PositionWriter } from '../store/position-writer';
import type { Plausibility } from './plausibility';
import type { DriverRateLimit } from './rate-limit';

export interface IngestRequest {
  companyId: string;
  userPk: number;
  userId: string;
  position: PositionRecord;
  /** which adapter it came through: 'ws', 'http', 'osmand', 'owntracks', … */
  source: string;
  /** live updates obey the per-driver rate limit; replayed and app-buffered fixes do not */
  live: boolean;
}

export type IngestRejection = { error: 'BadPayload' | 'RateLimited'; message: string };
export type CommitCallback = (err: Error | null, stored: boolean) => void;
export type PositionListener = (req: IngestRequest) => void;

const DAY_MS = 24 * 3600 * 1000;

/** Why a device time cannot be true (a phone with a broken clock), or null. */
export function timeProblem(deviceTime: number, serverTime: number): string | null {
  if (deviceTime > serverTime + DAY_MS) return 'timestamp is more than a day in the future';
  if (deviceTime < Date.UTC(2000, 0, 1)) return 'timestamp is before the year 2000';
  return null;
}

/** Why a fix is not a position at all, or null when it is one. */
export function positionProblem(p: PositionRecord): string | null {
  for (const k of ['lat', 'lng', 'speed', 'bearing', 'deviceTime'] as const) {
    if (!Number.isFinite(p[k])) return `${k === 'deviceTime' ? 'timestamp' : k} is not a number`;
  }
  if (p.lat < -90 || p.lat > 90) return `lat ${p.lat} is outside -90..90`;
  if (p.lng < -180 || p.lng > 180) return `lon ${p.lng} is outside -180..180`;
  if (p.lat === 0 && p.lng === 0) return 'a fix at 0,0 is not a real position';
  if (p.speed < 0) return 'speed cannot be negative';
  const late = timeProblem(p.deviceTime, p.serverTime);
  if (late) return late;
  for (const k of ['accuracy', 'altitude'] as const) {
    const v = p[k];
    if (v !== null && !Number.isFinite(v)) return `${k} is not a number`;
  }
  return null;
}

/**
 * The one path every position takes, whichever protocol brought it: sanity checks → rate limit
 * (live only) → plausibility flag → group-commit store → (after commit) listeners such as the
 * live fan-out. Adapters convert units before this; nothing converts after it.
 */
export class IngestPipeline {
  private readonly listeners: PositionListener[] = [];
  /** newest device time fanned out per device, so late fixes never move a live marker back */
  private readonly newest = new Map<number, number>();

  constructor(
    private readonly writer: PositionWriter,
    private readonly positions: PositionStore,
    private readonly rateLimit: DriverRateLimit,
    private readonly plausibility: Plausibility,
  ) {}

  onPosition(listener: PositionListener): void {
    this.listeners.push(listener);
  }

  /** Returns a rejection at once, or null and later calls `committed` after the commit. */
  submit(req: IngestRequest, committed: CommitCallback): IngestRejection | null {
    const p = req.position;
    const problem = positionProblem(p);
    if (problem) return { error: 'BadPayload', message: problem };
    if (req.live && !this.rateLimit.allow(req.userPk, p.serverTime)) {
      return { error: 'RateLimited', message: 'at most one location update per second per driver' };
    }
    const stored = () => this.positions.latest(req.userPk);
    // Learn the device's newest time before this write commits: read after the commit, the
    // batch's own newest fix would hide every earlier one of the same batch from the fan-out.
    if (!this.newest.has(req.userPk)) this.newest.set(req.userPk, stored()?.device_time ?? -Infinity);
    const flags = this.plausibility.judge(req.userPk, p, stored);
    this.writer.enqueue({
      userPk: req.userPk,
      position: p,
      source: req.source,
      flags,
      done: (err, ok) => {
        if (!err && ok && flags === 0 && this.isNewest(req.userPk, p.deviceTime)) {
          for (const l of this.listeners) l(req);
        }
        committed(err, ok);
      },
    });
    return null;
  }

  /** submit() as a promise: resolves with whether it was new (false: a duplicate). */
  store(req: IngestRequest): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const rejected = this.submit(req, (err, ok) => (err ? reject(err) : resolve(ok)));
      if (rejected) reject(new IngestRejected(rejected));
    });
  }

  /** The device's newest stored position (not a flagged one). */
  lastKnown(userPk: number): { lat: number; lng: number } | undefined {
    return this.positions.latest(userPk);
  }

  /** A new device key or a re-enabled driver starts from a clean slate. */
  forget(userPk: number): void {
    this.newest.delete(userPk);
    this.rateLimit.forget(userPk);
    this.plausibility.forget(userPk);
  }

  private isNewest(userPk: number, deviceTime: number): boolean {
    if (deviceTime < (this.newest.get(userPk) ?? -Infinity)) return false;
    this.newest.set(userPk, deviceTime);
    return true;
  }
}

export class IngestRejected extends Error {
  constructor(readonly rejection: IngestRejection) {
    super(rejection.message);
  }
}
