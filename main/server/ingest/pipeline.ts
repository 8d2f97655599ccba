import type { DroppedFix } from '../../../shared/protocol/reception';
import type { DroppedFixStore, DropRecord } from '../store/dropped-fixes';
import type { PositionRecord, PositionStore } from '../store/positions';
import type { PositionWriter } from '../store/position-writer';
import { chooseSkew, judgeTime } from './phone-clock';
import { DUPLICATE, fixProblem } from './fix-rules';
import { isHidden } from '../store/position-flags';
import type { Plausibility } from './plausibility';
import type { DriverRateLimit } from './rate-limit';

export interface IngestRequest {
  companyId: string;
  userPk: number;
  userId: string;
  /** as the adapter made it; a device time the server corrects is corrected in place */
  position: PositionRecord;
  /** which adapter it came through: 'ws', 'http', 'osmand', 'owntracks', … */
  source: string;
  /** live updates obey the per-driver rate limit; replayed and app-buffered fixes do not */
  live: boolean;
  /** how far the clock of the report this fix came in runs ahead (clockSkew); lone fixes leave it out */
  skewMs?: number;
}

/** A fix the pipeline will not take now but may later: the phone must send it again. */
export type IngestRefusal = { error: 'RateLimited'; message: string };
/** What became of a fix: stored, or dropped for good (never to be sent again). */
export type FixOutcome = { stored: true } | { stored: false; dropped: DroppedFix };
export type CommitCallback = (err: Error | null, outcome: FixOutcome) => void;
export type PositionListener = (req: IngestRequest) => void;

const STORED: FixOutcome = { stored: true };

/**
 * The one path every position takes, whichever protocol brought it: sanity checks and the
 * phone's clock (a fix that can never be stored is dropped and counted, not refused) → rate
 * limit (live only) → plausibility flag → group-commit store → (after commit) listeners such as
 * the live fan-out. Adapters convert units before this; nothing converts after it.
 */
export class IngestPipeline {
  private readonly listeners: PositionListener[] = [];
  /** newest device time fanned out per device, so late fixes never move a live marker back */
  private readonly newest = new Map<number, number>();
  /** how far ahead each phone's clock was last found to run (phone-clock.ts), so its fixes keep their spacing */
  private readonly skews = new Map<number, number>();

  constructor(
    private readonly writer: PositionWriter,
    private readonly positions: PositionStore,
    private readonly rateLimit: DriverRateLimit,
    private readonly plausibility: Plausibility,
    private readonly dropped: DroppedFixStore,
    /** a device time this far ahead of arrival is a wrong clock (phone-clock.ts) */
    private readonly clockToleranceMs: number,
  ) {}

  onPosition(listener: PositionListener): void {
    this.listeners.push(listener);
  }

  /**
   * Returns a refusal at once (the phone sends the fix again later), or null and then calls
   * `done` exactly once: after the commit, or at once for a fix dropped for good.
   */
  submit(req: IngestRequest, done: CommitCallback): IngestRefusal | null {
    const p = req.position;
    const problem = fixProblem(p);
    if (problem) return this.drop(req, problem, done);
    const skew = req.skewMs ?? this.clockSkew(req.userPk, p.deviceTime, p.serverTime);
    const clock = judgeTime(p.deviceTime, p.serverTime, this.clockToleranceMs, skew);
    if (!clock.ok) return this.drop(req, clock.drop, done);
    if (req.live && !this.rateLimit.allow(req.userPk, p.serverTime)) {
      return { error: 'RateLimited', message: 'at most one location update per second per driver' };
    }
    if (clock.skew !== undefined) this.skews.set(req.userPk, clock.skew);
    else if (clock.flags === 0 && p.deviceTime > p.serverTime - this.clockToleranceMs) this.skews.delete(req.userPk); // a fix on time: the clock is right again
    p.deviceTime = clock.time;
    p.reportedTime = clock.reported;
    const stored = () => this.positions.latest(req.userPk);
    // Learn the device's newest time before this write commits: read after the commit, the
    // batch's own newest fix would hide every earlier one of the same batch from the fan-out.
    if (!this.newest.has(req.userPk)) this.newest.set(req.userPk, stored()?.device_time ?? -Infinity);
    const flags = this.plausibility.judge(req.userPk, p, stored) | clock.flags;
    this.writer.enqueue({
      userPk: req.userPk,
      position: p,
      source: req.source,
      flags,
      done: (err, ok) => {
        if (err) return done(err, STORED);
        if (!ok) {
          this.record(req, DUPLICATE);
          return done(null, { stored: false, dropped: DUPLICATE });
        }
        if (!isHidden(flags) && this.isNewest(req.userPk, p.deviceTime)) {
          for (const l of this.listeners) l(req);
        }
        done(null, STORED);
      },
    });
    return null;
  }

  /** submit() as a promise of the outcome; a refusal rejects with IngestRefused. */
  store(req: IngestRequest): Promise<FixOutcome> {
    return new Promise((resolve, reject) => {
      const refused = this.submit(req, (err, outcome) => (err ? reject(err) : resolve(outcome)));
      if (refused) reject(new IngestRefused(refused));
    });
  }

  /**
   * How far ahead this phone's clock runs, for what it sent now (its newest device time): the
   * skew every fix of a report is moved back by (phone-clock.ts chooseSkew); undefined when on time.
   */
  clockSkew(userPk: number, newest: number, arrival: number): number | undefined {
    return chooseSkew(newest, arrival, this.clockToleranceMs, this.skews.get(userPk));
  }

  /** Counts a fix an adapter already knew it could not store (marked not valid by the app, a time it cannot read). */
  recordDrop(drop: DropRecord): void {
    this.dropped.record(drop);
  }

  private record(req: Pick<IngestRequest, 'userPk' | 'position' | 'source'>, dropped: DroppedFix): void {
    const p = req.position;
    this.dropped.record({ userPk: req.userPk, ...dropped, source: req.source, at: p.serverTime, lat: p.lat, lng: p.lng, deviceTime: p.deviceTime });
  }

  private drop(req: IngestRequest, dropped: DroppedFix, done: CommitCallback): null {
    this.record(req, dropped);
    done(null, { stored: false, dropped });
    return null;
  }

  /** The device's newest stored position (not a flagged one). */
  lastKnown(userPk: number): { lat: number; lng: number } | undefined {
    return this.positions.latest(userPk);
  }

  /** A new device key or a re-enabled driver starts from a clean slate. */
  forget(userPk: number): void {
    this.newest.delete(userPk);
    this.skews.delete(userPk);
    this.rateLimit.forget(userPk);
    this.plausibility.forget(userPk);
  }

  private isNewest(userPk: number, deviceTime: number): boolean {
    if (deviceTime < (this.newest.get(userPk) ?? -Infinity)) return false;
    this.newest.set(userPk, deviceTime);
    return true;
  }
}

export class IngestRefused extends Error {
  constructor(readonly refusal: IngestRefusal) {
    super(refusal.message);
  }
}
