import { randomUUID } from 'node:crypto';
import type { AlertStore, RecordedAlert } from '../devices/alerts';
import type { DeviceRef } from '../devices/device-status';
import type { EventLog } from '../store/events';
import type { Logger } from '../logger';
import type { Clock, Timer } from '../clock';
import type { AccidentRow, AccidentStore, ExtraData } from '../store/accidents';
import type { Shape, Storage } from '../store/storage';
import { accidentSource, extraFromAlertDetails, extraFromPositions, filterFixes } from './extra';
import { runFilters } from './filters';
import { iso } from '../../../shared/time';

export interface CrashOptions {
  /** sources without a buffer: the extra is cut from stored positions this long after the alert arrived */
  extraDelayMs: number;
  /** the extra holds the positions this long before and after the event */
  windowMs: number;
  /** server-side detection from speeds (detector.ts) */
  detect: boolean;
}

export interface CrashDeps {
  storage: Pick<Storage, 'accidents' | 'events' | 'positions' | 'companies' | 'atomically'>;
  alerts: AlertStore;
  logger: Logger;
  clock: Clock;
}

const MAX_EXTRA_POSITIONS = 2_000;

/**
 * The crash pipeline, in the seed's four stages, each a state change of the accidents row made
 * in one transaction with its event:
 * 1. AccidentEventReceived — inside the transaction that stores the crash alert (any source);
 * 2. AccidentEventExtraReceived — the buffer: at once when the driver app sent one with the
 *    alert, else cut from stored positions `extraDelayMs` after arrival (timer; on start for
 *    those left pending);
 * 3. AccidentEventCompletePackageReceived — the filters' verdict (filters.ts), as soon as 1 and 2 are in;
 * 4. AccidentEventFiltered — only when it passed (a confirmed crash). One that failed stays an
 *    open alert, "possible crash", confirmed=false.
 * The alert is re-sent to the consoles when its verdict lands.
 */
export class AccidentPipeline {
  readonly store: Shape<AccidentStore>;
  private readonly timers = new Map<string, Timer>();
  private stopped = false;

  constructor(
    private readonly deps: CrashDeps,
    readonly options: CrashOptions,
  ) {
    this.store = deps.storage.accidents;
  }

  /** Hooks the first stage into every new crash alert and resumes what a restart left pending. */
  start(): void {
    this.deps.alerts.onRecord((device, alert) => this.received(device, alert));
    const now = this.deps.clock.now();
    for (const row of this.store.pending()) {
      if (row.extra_received_at === null) this.schedule(row.id, row.received_at + this.options.extraDelayMs - now);
      else this.schedule(row.id, 0);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) t.clear();
    this.timers.clear();
  }

  /** Accidents waiting for their extra on a timer (tests and diagnostics). */
  get waiting(): number {
    return this.timers.size;
  }

  /** Stage 1 (and 2–4 at once when the alert carried its buffer); runs in the alert's transaction. */
  private received(device: DeviceRef, alert: RecordedAlert): number[] {
    if (alert.kind !== 'crash') return [];
    const id = randomUUID();
    const now = alert.serverTime;
    this.store.insert({ id, userPk: device.pk, alertId: alert.id, source: accidentSource(alert.source), time: alert.deviceTime, lat: alert.lat, lng: alert.lng, receivedAt: now });
    const events = [this.event(device, id, 'AccidentEventReceived', 'Accident', { DateReceived: iso(now) }, now)];
    const buffer = alert.source === 'ws' ? extraFromAlertDetails(alert.details, now) : null;
    if (buffer) {
      const row = this.store.row(id) as AccidentRow;
      events.push(...this.extraStage(device, row, buffer, now), ...this.packageStage(device, id, now));
    } else {
      // Runs after this transaction commits (a timer never fires inside it); a rolled-back
      // accident is simply not found then.
      this.schedule(id, this.options.extraDelayMs);
    }
    return events;
  }

  private extraStage(device: { pk: number; company_id: string }, row: AccidentRow, extra: ExtraData, now: number): number[] {
    if (!this.store.setExtra(row.id, extra, now)) return [];
    return [this.event(device, row.id, 'AccidentEventExtraReceived', 'AccidentExtra', { DateReceived: iso(now) }, now)];
  }

  private packageStage(device: { pk: number; company_id: string }, id: string, now: number): number[] {
    const row = this.store.row(id);
    if (!row || row.extra === null || row.package_received_at !== null) return [];
    const extra = JSON.parse(row.extra) as ExtraData;
    const details = row.alert_details ? (JSON.parse(row.alert_details) as { peak_g?: unknown; threshold_g?: unknown }) : {};
    const peakG = typeof details.peak_g === 'number' ? details.peak_g : null;
    const thresholdG = peakG === null ? null : typeof details.threshold_g === 'number' ? details.threshold_g : (this.deps.storage.companies.get(row.company_id)?.crash_threshold_g ?? null);
    const verdict = runFilters({ time: row.time, positions: filterFixes(extra), peakG, thresholdG });
    if (!this.store.setPackage(id, verdict.passed, verdict.reasons, now)) return [];
    const events = [
      this.event(device, id, 'AccidentEventCompletePackageReceived', 'Accident', { PackageDateReceived: iso(now), AccidentPassedFilters: verdict.passed }, now),
    ];
    if (verdict.passed && this.store.setFiltered(id, now)) {
      events.push(this.event(device, id, 'AccidentEventFiltered', 'Accident', { DateFiltered: iso(now) }, now));
    }
    return events;
  }

  /** Stages 2–4 for an accident whose source sent no buffer: cut it from the stored positions. */
  private assemble(id: string): void {
    this.timers.delete(id);
    if (this.stopped) return;
    const row = this.store.row(id);
    if (!row || row.package_received_at !== null) return;
    const now = this.deps.clock.now();
    try {
      const w = this.options.windowMs;
      const extra = row.extra === null ? extraFromPositions(this.deps.storage.positions.range(row.user_pk, row.time - w, row.time + w + 1, MAX_EXTRA_POSITIONS)) : null;
      this.storeStages(row, extra, now);
      if (row.alert_id !== null) this.deps.alerts.notify(row.alert_id);
    } catch (err) {
      this.deps.logger.error({ err, accident: id }, 'crash extra not assembled');
    }
  }

  private schedule(id: string, delayMs: number): void {
    if (this.stopped || this.timers.has(id)) return;
    this.timers.set(id, this.deps.clock.at(this.deps.clock.now() + Math.max(0, delayMs), () => this.assemble(id)));
  }

  /** Stages 2 and 3 (and 4 when it passes) in one transaction. */
  private storeStages(row: AccidentRow, extra: ExtraData | null, now: number): number[] {
    return this.deps.storage.atomically(() => {
      const events: number[] = [];
      const device = { pk: row.user_pk, company_id: row.company_id };
      if (extra) events.push(...this.extraStage(device, row, extra, now));
      events.push(...this.packageStage(device, row.id, now));
      return events;
    });
  }

  private event(device: { pk: number; company_id: string }, id: string, event: Parameters<EventLog['record']>[0]['event'], objectType: 'Accident' | 'AccidentExtra', details: Record<string, unknown>, now: number): number {
    return this.deps.storage.events.record({ companyId: device.company_id, userPk: device.pk, event, objectId: id, objectType, details }, now);
  }
}
