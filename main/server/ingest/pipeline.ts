import type { DroppedFix } from '../../../shared/protocol/reception';
import type { AlertStore } from '../devices/alerts';
import type { DeviceRef, DeviceStatusService } from '../devices/device-status';
import { rateLimited, storageRefusal } from '../errors';
import type { DroppedFixStore } from '../store/dropped-fixes';
import { isHidden } from '../store/position-flags';
import type { PositionWriter } from '../store/position-writer';
import type { PositionRow, PositionStore } from '../store/positions';
import { DUPLICATE, fixProblem } from './fix-rules';
import { NumberMap } from './number-map';
import { chooseSkew, judgeTime } from './phone-clock';
import type { Plausibility } from './plausibility';
import type { PositionRecord } from './position';
import type { DriverRateLimit } from './rate-limit';
import type { AcceptOptions, DeviceReport, ReportOutcome } from './report';
import type { CommittedFix, PostCommitStage } from './stages';

/** What became of one fix: stored, or dropped for good (never to be sent again). */
type FixOutcome = { stored: true } | { stored: false; dropped: DroppedFix };

export interface IngestDeps {
  writer: PositionWriter;
  positions: PositionStore;
  rateLimit: DriverRateLimit;
  plausibility: Plausibility;
  dropped: DroppedFixStore;
  deviceStatus: DeviceStatusService;
  alerts: AlertStore;
  /** a device time this far ahead of arrival is a wrong clock (phone-clock.ts) */
  clockToleranceMs: number;
  /** a post-commit stage that throws is logged and the others go on */
  onStageError: (stage: string, err: unknown) => void;
}

const STORED: FixOutcome = { stored: true };

/**
 * The one door every report goes through, whichever protocol brought it (adapters make a
 * DeviceReport in SI units and call `accept`): per fix, sanity checks and the phone's clock (a
 * fix that can never be stored is dropped and counted, not refused) → rate limit (live only) →
 * plausibility flag → group-commit store → after the commit, the post-commit stages in their
 * declared order (./stages.ts); then the report's device status and its alarm.
 */
export class IngestPipeline {
  private stages: readonly PostCommitStage[] = [];
  /** newest device time that went through the stages per device, so a late fix never moves a live marker back */
  private readonly newest = new NumberMap();
  /** how far ahead each phone's clock was last found to run (phone-clock.ts), so its fixes keep their spacing */
  private readonly skews = new NumberMap();

  constructor(private readonly deps: IngestDeps) {}

  /** The stages that follow every committed fix, in order (declared once, in ./stages.ts). */
  useStages(stages: readonly PostCommitStage[]): void {
    this.stages = stages;
  }

  /**
   * One report through the door. Resolves once its positions are committed (or dropped), with
   * what became of each. A live update over the rate limit rejects with RateLimited (the phone
   * sends it again); a storage failure rejects too (the phone keeps the fixes and resends).
   * Everything up to the first commit runs synchronously, so messages handled in arrival order
   * are stored in that order. A storage failure (disk full, …) rejects with storageRefusal's
   * DomainError, never throws: nothing was stored and the caller says so.
   */
  accept(device: DeviceRef, report: DeviceReport, o: AcceptOptions): Promise<ReportOutcome> {
    try {
      return this.acceptNow(device, report, o).catch((err: unknown) => Promise.reject(storageRefusal(err)));
    } catch (err) {
      return Promise.reject(storageRefusal(err));
    }
  }

  private acceptNow(device: DeviceRef, report: DeviceReport, o: AcceptOptions): Promise<ReportOutcome> {
    const tolerance = this.deps.clockToleranceMs;
    // A clock that runs ahead does so for every fix of the report: they move back together.
    const newestTime = report.positions.reduce((m, p) => Math.max(m, p.deviceTime), report.alarm?.deviceTime ?? -Infinity);
    const skewMs = chooseSkew(newestTime, o.arrival, tolerance, this.skews.get(device.pk));
    for (const { position: p, dropped } of report.unusable ?? []) this.record(device.pk, o.source, o.arrival, p, dropped);
    const fixes = report.positions.map((position) => this.storeFix(device, position, o, skewMs));
    return Promise.all(fixes).then((results) => {
      const outcome: ReportOutcome = { stored: 0, duplicates: 0, dropped: [] };
      for (const [index, r] of results.entries()) {
        if (r.stored) outcome.stored++;
        else if (r.dropped.reason === 'duplicate') outcome.duplicates++;
        else outcome.dropped.push({ index, ...r.dropped });
      }
      if (report.status && Object.keys(report.status).length > 0) this.deps.deviceStatus.report(device, report.status, o.source, o.arrival);
      if (report.alarm) this.recordAlarm(device, report, o, skewMs);
      return outcome;
    });
  }

  /** The device's newest stored position (not a flagged one). */
  lastKnown(userPk: number): { lat: number; lng: number } | undefined {
    return this.deps.positions.latest(userPk);
  }

  /** A new device key or a re-enabled driver starts from a clean slate. */
  forget(userPk: number): void {
    this.newest.delete(userPk);
    this.skews.delete(userPk);
    this.deps.rateLimit.forget(userPk);
    this.deps.plausibility.forget(userPk);
  }

  private storeFix(device: DeviceRef, p: PositionRecord, o: AcceptOptions, skewMs: number | undefined): Promise<FixOutcome> {
    const problem = fixProblem(p);
    if (problem) return this.drop(device.pk, o, p, problem);
    const clock = judgeTime(p.deviceTime, p.serverTime, this.deps.clockToleranceMs, skewMs);
    if (!clock.ok) return this.drop(device.pk, o, p, clock.drop);
    // Only a fix that would be stored uses up the live slot (a dropped one is answered as such).
    if (o.live && !this.deps.rateLimit.allow(device.pk, o.arrival)) return Promise.reject(rateLimited('at most one location update per second per driver'));
    if (clock.skew !== undefined) this.skews.set(device.pk, clock.skew);
    else if (clock.flags === 0 && p.deviceTime > p.serverTime - this.deps.clockToleranceMs) this.skews.delete(device.pk); // on time: the clock is right again
    p.deviceTime = clock.time;
    p.reportedTime = clock.reported;
    // the device's stored latest fix, read at most once (only for a device's first fix since start)
    let read = false;
    let row: PositionRow | undefined;
    const stored = (): PositionRow | undefined => {
      if (!read) {
        read = true;
        row = this.deps.positions.latest(device.pk);
      }
      return row;
    };
    // Learn the device's newest time before this write commits: read after the commit, the
    // batch's own newest fix would hide every earlier one of the same batch from the stages.
    if (!this.newest.has(device.pk)) this.newest.set(device.pk, stored()?.device_time ?? -Infinity);
    const flags = this.deps.plausibility.judge(device.pk, p, stored) | clock.flags;
    return new Promise((resolve, reject) => {
      this.deps.writer.enqueue({
        userPk: device.pk,
        position: p,
        source: o.source,
        flags,
        done: (err, ok) => {
          if (err) return reject(err);
          if (!ok) {
            this.record(device.pk, o.source, p.serverTime, p, DUPLICATE);
            return resolve({ stored: false, dropped: DUPLICATE });
          }
          if (!isHidden(flags) && this.isNewest(device.pk, p.deviceTime)) this.runStages({ companyId: device.company_id, userPk: device.pk, userId: device.user_id, position: p, source: o.source });
          resolve(STORED);
        },
      });
    });
  }

  private runStages(fix: CommittedFix): void {
    for (const stage of this.stages) {
      try {
        stage.run(fix);
      } catch (err) {
        this.deps.onStageError(stage.name, err);
      }
    }
  }

  /** An alarm is never dropped for a broken phone clock: its time is corrected as a fix's would be, or, when it cannot be true at all, it is placed at arrival. */
  private recordAlarm(device: DeviceRef, report: DeviceReport, o: AcceptOptions, skewMs: number | undefined): void {
    const a = report.alarm!;
    // Where it happened: as reported, else the report's newest fix, else the device's last known one.
    const newest = report.positions.reduce<PositionRecord | undefined>((m, p) => (!m || p.deviceTime > m.deviceTime ? p : m), undefined) ?? this.lastKnown(device.pk);
    const clock = judgeTime(a.deviceTime, o.arrival, this.deps.clockToleranceMs, skewMs);
    const time = clock.ok ? clock.time : o.arrival;
    const details = time !== a.deviceTime ? { ...a.details, reported_time: a.deviceTime, clock_problem: clock.ok ? 'the phone clock was corrected' : clock.drop.message } : (a.details ?? null);
    this.deps.alerts.record(device, {
      kind: a.kind,
      deviceTime: time,
      serverTime: o.arrival,
      lat: a.lat ?? newest?.lat ?? null,
      lng: a.lng ?? newest?.lng ?? null,
      source: o.source,
      details,
    });
  }

  private drop(userPk: number, o: AcceptOptions, p: PositionRecord, dropped: DroppedFix): Promise<FixOutcome> {
    this.record(userPk, o.source, o.arrival, p, dropped);
    return Promise.resolve({ stored: false, dropped });
  }

  private record(userPk: number, source: string, at: number, p: Partial<PositionRecord>, dropped: DroppedFix): void {
    this.deps.dropped.record({ userPk, ...dropped, source, at, lat: p.lat, lng: p.lng, deviceTime: p.deviceTime });
  }

  private isNewest(userPk: number, deviceTime: number): boolean {
    if (deviceTime < (this.newest.get(userPk) ?? -Infinity)) return false;
    this.newest.set(userPk, deviceTime);
    return true;
  }
}
