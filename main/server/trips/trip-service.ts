import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { TripSettings, TripSettingsUpdate } from '../../../shared/api/trips';
import type { CommittedFix } from '../ingest/stages';
import type { Logger } from '../logger';
import type { Shape, Storage } from '../store/storage';
import type { Clock, Timer } from '../clock';
import { TripDetector, type DetectorFix, type TripBoundary } from './detector';
import type { TripSettingsStore } from '../store/trip-settings';
import type { RichRow, TripRow, TripStore } from '../store/trips';
import { richRow } from './track-views';
import { computeProgress, computeTrack, progressTotals, type ProgressJob, type ProgressTotals, type TrackJob, type TrackOutcome } from './track-job';
import type { ProcessedTrack } from './process';
import type { TrackThread, TrackThreadStats } from './track-thread';

interface Device {
  detector: TripDetector;
  companyId: string;
  userPk: number;
  /** wall time of the last fix that reached the detector (the sweep's clock) */
  lastArrival: number;
  /** while the detector waits for its rebuild: the fixes that arrived meanwhile, in order */
  waiting: DetectorFix[] | null;
  /** the device time of its first fix (the rebuild reads stored fixes before it) */
  firstFix: number;
  /** its trip ends on the track thread, one after the other */
  ending: Promise<unknown>;
}

/** A trip end's decisions taken before its job runs (trip-service `plan`). */
interface TripPlan {
  companyId: string;
  userPk: number;
  b: TripBoundary;
  /** the rich track this trip is merged into, and its trips */
  prev: RichRow | undefined;
  prevIds: string[];
  job: TrackJob;
}

/** What TripService needs of the track thread. */
export type TrackRunner = Pick<TrackThread, 'available' | 'run' | 'progress' | 'progressTotals' | 'stop'> & Partial<Pick<TrackThread, 'stats'>>;

/** A trip in progress: its start and newest fix (device time) and what its fixes so far give. */
export interface InProgress<T> {
  start: number;
  last: number;
  processed: T;
}

/**
 * How long a trip in progress's totals stay good for the day summary (ms): every open console
 * asks every 15 s for the whole fleet; within this they share one computation per device.
 */
export const PROGRESS_TOTALS_FRESH_MS = 10_000;

export interface FinishedTrip {
  tripId: string;
  status: 'received' | 'removed';
  richId: string | null;
  replaced: string | null;
  eventIds: number[];
}

export interface TripServiceOptions {
  /** how often the sweep looks for silent moving devices (ms); 0: never (tests call sweep()) */
  sweepIntervalMs?: number;
  /** on a device's first fix, how far back stored fixes rebuild its state (ms) */
  rebuildWindowMs?: number;
}

const REBUILD_MAX_FIXES = 20_000;
/**
 * Event-loop time one turn may spend rebuilding detectors (ms). This is I/O pacing, not business
 * time, so it reads the event loop's own clock. After a restart every device's first fix needs
 * a rebuild (up to REBUILD_MAX_FIXES stored fixes each, read whether it was driving or parked):
 * done all at once, 2,000 reconnecting drivers with 10 minutes of fixes each stalled ingest for
 * seconds.
 */
const REBUILD_BUDGET_MS = 8;

/**
 * Trip detection on the ingest stream. The hot path (onPosition) only feeds a per-device
 * detector; a finished trip is judged, processed and recorded later, so ingest never waits for
 * it: its fixes are read and processed on the track thread (track-thread.ts) when one is given
 * (one device's trip ends in order), else in a later turn of the event loop (setImmediate). Per
 * trip end, in ONE transaction: the raw track with its event
 * (IncomingTrackReceived / IncomingTrackRemoved), and for a received one the RichTrack —
 * merged with the device's previous one when that ended within merge_gap_s — with
 * TrackEnrichmentFinished.
 *
 * On server stop, trips in progress are NOT ended: their fixes are stored, and the detector of
 * a device is rebuilt from its stored fixes (since its last recorded trip) at its first fix
 * after the restart, so the trip continues. The sweep (wall clock) ends trips of devices that
 * went silent for gap_split_s, so a dead phone's trip still ends. Rebuilds share a time budget per
 * event-loop turn: past it, a device's rebuild waits in a queue for later turns and the fixes that
 * arrive meanwhile wait with it (in order), so a reconnect storm after a restart does not stall
 * ingest.
 */
export class TripService {
  readonly store: Shape<TripStore>;
  readonly settingsStore: Shape<TripSettingsStore>;
  private readonly devices = new Map<number, Device>();
  private readonly settingsCache = new Map<string, TripSettings>();
  private readonly timer: Timer | null;
  private pending = 0;
  private drained: (() => void)[] = [];
  private stopped = false;
  private closing = false;
  /** devices whose rebuild waits for a later turn (from `queueHead` on) */
  private rebuildQueue: Device[] = [];
  private queueHead = 0;
  private rebuildsScheduled = false;
  /** event-loop time spent on rebuilds in this turn */
  private turnSpentMs = 0;
  private turnResetScheduled = false;
  /** per device, its trip in progress's totals as last computed (PROGRESS_TOTALS_FRESH_MS) */
  private readonly totalsCache = new Map<number, { at: number; start: number; last: number; totals: Promise<InProgress<ProgressTotals> | null> }>();

  constructor(
    private readonly deps: {
      storage: Pick<Storage, 'trips' | 'tripSettings' | 'events' | 'atomically'>;
      logger: Logger;
      clock: Clock;
      /** where trip ends are read and processed (track-thread.ts); without one, in the event loop */
      tracks?: TrackRunner;
    },
    private readonly options: TripServiceOptions = {},
  ) {
    this.store = deps.storage.trips;
    this.settingsStore = deps.storage.tripSettings;
    const every = options.sweepIntervalMs ?? 60_000;
    this.timer = every > 0 ? deps.clock.every(every, () => this.sweep()) : null;
  }

  /** The company's effective settings (cached; updateSettings refreshes them). */
  settings(companyId: string): TripSettings {
    let s = this.settingsCache.get(companyId);
    if (!s) {
      s = this.settingsStore.get(companyId);
      this.settingsCache.set(companyId, s);
    }
    return s;
  }

  /** Changes apply to trips detected from now on. */
  updateSettings(companyId: string, change: TripSettingsUpdate): TripSettings {
    const s = this.settingsStore.update(companyId, change);
    this.settingsCache.set(companyId, s);
    return s;
  }

  /** The post-commit stage: a new, unflagged, newest fix of a device. */
  onPosition(req: CommittedFix, now = this.deps.clock.now()): void {
    const dev = this.device(req.companyId, req.userPk, req.position.deviceTime);
    dev.lastArrival = now;
    const fix = { t: req.position.deviceTime, lat: req.position.lat, lng: req.position.lng };
    if (dev.waiting) dev.waiting.push(fix);
    else this.push(dev, fix);
  }

  private push(dev: Device, fix: DetectorFix): void {
    const ended = dev.detector.push(fix);
    if (ended) this.schedule(dev, ended);
  }

  /** Ends the trips of moving devices silent for gap_split_s of wall time ('sweep'). */
  sweep(now = this.deps.clock.now()): number {
    let ended = 0;
    for (const dev of this.devices.values()) {
      if (!dev.detector.moving) continue;
      if (now - dev.lastArrival < this.settings(dev.companyId).gap_split_s * 1000) continue;
      const b = dev.detector.end('sweep');
      if (b) {
        this.schedule(dev, b);
        ended++;
      }
    }
    return ended;
  }

  /** Whether the device is in a trip (for tests and the console). */
  moving(userPk: number): boolean {
    return this.devices.get(userPk)?.detector.moving ?? false;
  }

  /** The trip in progress: its start and newest fix (device times), or null when parked or unknown. */
  current(userPk: number): { start: number; last: number } | null {
    const d = this.devices.get(userPk)?.detector;
    const start = d?.tripStart ?? null;
    return d && start !== null ? { start, last: d.lastTime } : null;
  }

  /** The trip in progress processed from its fixes stored so far (route, events), or null when parked. */
  async progress(companyId: string, userPk: number): Promise<InProgress<ProcessedTrack> | null> {
    const cur = this.current(userPk);
    if (!cur) return null;
    const job = this.progressJob(companyId, userPk, cur);
    const tracks = this.deps.tracks;
    const processed = tracks?.available ? await tracks.progress(job).catch(() => computeProgress(this.readFixes, job)) : computeProgress(this.readFixes, job);
    return { start: cur.start, last: cur.last, processed };
  }

  /**
   * Only the totals of the trip in progress (the day summary), computed at most once per
   * PROGRESS_TOTALS_FRESH_MS per device whoever asks (unless its trip changed), or null.
   */
  progressTotals(companyId: string, userPk: number, now = this.deps.clock.now()): Promise<InProgress<ProgressTotals> | null> {
    const cur = this.current(userPk);
    if (!cur) return Promise.resolve(null);
    const cached = this.totalsCache.get(userPk);
    if (cached && cached.start === cur.start && (cached.last === cur.last || now - cached.at < PROGRESS_TOTALS_FRESH_MS)) return cached.totals;
    const job = this.progressJob(companyId, userPk, cur);
    const tracks = this.deps.tracks;
    const totals = (async () => {
      const t = tracks?.available ? await tracks.progressTotals(job).catch(() => progressTotals(computeProgress(this.readFixes, job))) : progressTotals(computeProgress(this.readFixes, job));
      return { start: cur.start, last: cur.last, processed: t };
    })();
    this.totalsCache.set(userPk, { at: now, start: cur.start, last: cur.last, totals });
    // a failure is not kept for the next ones to share
    totals.catch(() => this.totalsCache.get(userPk)?.totals === totals && this.totalsCache.delete(userPk));
    return totals;
  }

  private progressJob(companyId: string, userPk: number, cur: { start: number; last: number }): ProgressJob {
    return { userPk, start: cur.start, end: cur.last, settings: this.settings(companyId) };
  }

  /** Resolves once every scheduled trip end is recorded. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** The track thread's memory and largest job since the previous ask (the soak explains RSS with it); null without a running thread. */
  trackStats(): Promise<TrackThreadStats | null> {
    return this.deps.tracks?.stats?.() ?? Promise.resolve(null);
  }

  /** Stops the sweep and waits for recorded trip ends; trips in progress continue after a restart. */
  async stop(): Promise<void> {
    this.timer?.clear();
    this.closing = true; // queued rebuilds are dropped: those trips continue after the next start
    await this.idle();
    this.stopped = true;
    await this.deps.tracks?.stop();
  }

  /** A key rotation or a deleted device: its next fix starts from what is stored. */
  forget(userPk: number): void {
    this.devices.delete(userPk);
    this.totalsCache.delete(userPk);
  }

  private device(companyId: string, userPk: number, t: number): Device {
    let dev = this.devices.get(userPk);
    if (dev) return dev;
    const detector = new TripDetector(() => this.settings(companyId));
    dev = { detector, companyId, userPk, lastArrival: 0, waiting: null, firstFix: t, ending: Promise.resolve() };
    this.devices.set(userPk, dev);
    if (this.queueHead === this.rebuildQueue.length && this.turnSpentMs < REBUILD_BUDGET_MS) this.rebuildNow(dev);
    else {
      dev.waiting = [];
      this.rebuildQueue.push(dev);
      this.pending++;
      this.scheduleRebuilds();
    }
    return dev;
  }

  /** Rebuilds a device's detector now, counting the time against this turn's budget. */
  private rebuildNow(dev: Device): void {
    const started = performance.now();
    this.rebuildLogged(dev);
    this.turnSpentMs += performance.now() - started;
    if (!this.turnResetScheduled) {
      this.turnResetScheduled = true;
      setImmediate(() => {
        this.turnSpentMs = 0;
        this.turnResetScheduled = false;
      });
    }
  }

  private rebuildLogged(dev: Device): void {
    try {
      this.rebuild(dev, dev.firstFix);
    } catch (err) {
      this.deps.logger.error({ err, userPk: dev.userPk }, 'could not rebuild a trip in progress; the device starts parked');
    }
  }

  private scheduleRebuilds(): void {
    if (this.rebuildsScheduled) return;
    this.rebuildsScheduled = true;
    setImmediate(() => this.runRebuilds());
  }

  /** A turn's share of the queued rebuilds; each device then gets the fixes that waited for it. */
  private runRebuilds(): void {
    this.rebuildsScheduled = false;
    const started = performance.now();
    while (this.queueHead < this.rebuildQueue.length && (this.closing || performance.now() - started < REBUILD_BUDGET_MS)) {
      const dev = this.rebuildQueue[this.queueHead++] as Device;
      if (!this.closing && this.devices.get(dev.userPk) === dev) {
        this.rebuildLogged(dev);
        const waiting = dev.waiting ?? [];
        dev.waiting = null;
        for (const fix of waiting) this.push(dev, fix);
      }
      this.settle();
    }
    if (this.queueHead === this.rebuildQueue.length) {
      this.rebuildQueue = [];
      this.queueHead = 0;
    } else this.scheduleRebuilds();
  }

  /** One scheduled piece of work (a trip end, a rebuild) is done. */
  private settle(): void {
    if (--this.pending === 0) for (const r of this.drained.splice(0)) r();
  }

  /**
   * Replays the device's stored fixes since its last recorded trip (at most rebuildWindowMs
   * back) so a trip in progress at a restart continues; a trip that ended meanwhile without
   * being recorded (a crash) is recorded now.
   */
  private rebuild(dev: Device, before: number): void {
    const window = this.options.rebuildWindowMs ?? 6 * 3600_000;
    const lastEnd = this.store.lastTripEnd(dev.userPk) ?? -Infinity;
    const after = Math.max(lastEnd, before - window);
    for (const f of this.store.recentFixes(dev.userPk, after, before, REBUILD_MAX_FIXES)) {
      const ended = dev.detector.push(f);
      if (ended && ended.start > lastEnd) this.schedule(dev, ended);
    }
  }

  private schedule(dev: Device, b: TripBoundary): void {
    this.pending++;
    this.totalsCache.delete(dev.userPk);
    const tracks = this.deps.tracks;
    if (!tracks?.available) {
      setImmediate(() => {
        try {
          if (!this.stopped) this.finish(dev.companyId, dev.userPk, b);
        } catch (err) {
          this.deps.logger.error({ err, userPk: dev.userPk, trip: b }, 'could not record a trip');
        } finally {
          this.settle();
        }
      });
      return;
    }
    // One device's trip ends in order: a merge looks for the rich track its previous end recorded.
    dev.ending = dev.ending
      .then(() => this.finishAside(dev.companyId, dev.userPk, b))
      .catch((err: unknown) => this.deps.logger.error({ err, userPk: dev.userPk, trip: b }, 'could not record a trip'))
      .finally(() => this.settle());
  }

  /**
   * Judges, processes and records one finished trip, all in this thread (tests, and the
   * fallback when no track thread runs); null when a recorded trip already covers it.
   */
  finish(companyId: string, userPk: number, b: TripBoundary, now = this.deps.clock.now()): FinishedTrip | null {
    const plan = this.plan(companyId, userPk, b);
    return plan && this.record(plan, computeTrack(this.readFixes, plan.job), now);
  }

  private readonly readFixes = (userPk: number, from: number, to: number) => this.store.rawFixes(userPk, from, to);

  /**
   * The same with the reads and the processing on the track thread when one runs (in the event
   * loop otherwise); the event loop only decides and records.
   */
  async finishAside(companyId: string, userPk: number, b: TripBoundary): Promise<FinishedTrip | null> {
    if (this.stopped) return null;
    const plan = this.plan(companyId, userPk, b);
    if (!plan) return null;
    let outcome: TrackOutcome;
    try {
      if (!this.deps.tracks?.available) throw new Error('no track thread');
      outcome = await this.deps.tracks.run(plan.job);
    } catch {
      // the thread is gone or could not read: the event loop computes it (the thread said why once)
      outcome = computeTrack(this.readFixes, plan.job);
    }
    // While the thread worked, the trip may have been recorded or a merge target replaced (a
    // direct finish(), a rebuild): decide again, and recompute here if the merge changed.
    const now = this.plan(companyId, userPk, b);
    if (!now) return null;
    return now.prev?.id === plan.prev?.id ? this.record(now, outcome, this.deps.clock.now()) : this.record(now, computeTrack(this.readFixes, now.job), this.deps.clock.now());
  }

  /** What recording the trip needs: null when a recorded trip overlaps it; else the job and the rich track it merges into. */
  private plan(companyId: string, userPk: number, b: TripBoundary): TripPlan | null {
    if (this.store.overlaps(userPk, b.start, b.end)) return null;
    const s = this.settings(companyId);
    const prev = s.merge_gap_s > 0 ? this.store.previousRich(userPk, b.start - s.merge_gap_s * 1000, b.start) : undefined;
    const prevIds = prev ? (JSON.parse(prev.trip_ids) as string[]) : [];
    const merged = prev
      ? prevIds.flatMap((id) => {
          const t = this.store.trip(companyId, id);
          return t ? [{ start: t.start_time, end: t.end_time }] : [];
        })
      : null;
    return { companyId, userPk, b, prev, prevIds, job: { userPk, start: b.start, end: b.end, settings: s, merged } };
  }

  /** Records the judged (and processed) trip with its events, in one transaction. */
  private record(plan: TripPlan, outcome: TrackOutcome, now: number): FinishedTrip {
    const { companyId, userPk, b, prev } = plan;
    const trip: TripRow = {
      id: crypto.randomUUID(),
      user_pk: userPk,
      start_time: b.start,
      end_time: b.end,
      status: outcome.judged.status,
      reason: outcome.judged.reason,
      fix_count: outcome.fixCount,
      end_reason: b.endReason,
      created_at: now,
    };
    const dates = { TrackStartDate: new Date(b.start).toISOString(), TrackFinishDate: new Date(b.end).toISOString() };
    const result: FinishedTrip = { tripId: trip.id, status: trip.status, richId: null, replaced: null, eventIds: [] };
    if (outcome.judged.status === 'removed' || !outcome.processed) {
      const reason = outcome.judged.reason;
      result.eventIds = this.deps.storage.atomically(() => {
        this.store.insertTrip(trip);
        return [this.deps.storage.events.record({ companyId, userPk, event: 'IncomingTrackRemoved', objectId: trip.id, objectType: 'IncomingTrackSummary', details: { ...dates, Reason: reason } }, now)];
      });
    } else {
      const tripIds = prev ? [...plan.prevIds, trip.id] : [trip.id];
      const rich = richRow(crypto.randomUUID(), userPk, tripIds, outcome.processed, now);
      result.richId = rich.id;
      result.replaced = prev?.id ?? null;
      result.eventIds = this.deps.storage.atomically(() => {
        this.store.insertTrip(trip);
        const ids = [this.deps.storage.events.record({ companyId, userPk, event: 'IncomingTrackReceived', objectId: trip.id, objectType: 'IncomingTrack', details: dates }, now)];
        this.store.insertRich(rich);
        const replaced = prev !== undefined && this.store.replace(prev.id, rich.id);
        ids.push(
          this.deps.storage.events.record(
            {
              companyId,
              userPk,
              event: 'TrackEnrichmentFinished',
              objectId: rich.id,
              objectType: 'RichTrack',
              details: { ObjectReplaced: replaced, TracksRemoved: replaced ? [{ Id: prev.id, Type: 'RichTrack' }] : [] },
            },
            now,
          ),
        );
        return ids;
      });
    }
    return result;
  }
}
