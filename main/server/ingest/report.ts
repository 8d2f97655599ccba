import type { AlertKind } from '../../../shared/protocol/device';
import type { DroppedFix } from '../../../shared/protocol/reception';
import type { AlertStore } from '../devices/alerts';
import type { DeviceRef, DeviceStatusService, StatusReport } from '../devices/device-status';
import type { PositionRecord } from '../store/positions';
import { judgeTime } from './phone-clock';
import type { IngestPipeline } from './pipeline';

export interface AlarmReport {
  kind: AlertKind;
  deviceTime: number;
  lat?: number | null;
  lng?: number | null;
  details?: Record<string, unknown> | null;
}

/** What any adapter makes of one request or message: positions in SI units, status, an alarm. */
export interface DeviceReport {
  positions: PositionRecord[];
  /** fixes the adapter already knows can never be stored (e.g. marked not valid by the app): counted as dropped */
  unusable?: { position: PositionRecord; dropped: DroppedFix }[];
  status?: StatusReport;
  alarm?: AlarmReport;
}

export interface ReportOutcome {
  stored: number;
  /** fixes already stored (the phone sent them again): delivered, counted as dropped, not listed */
  duplicates: number;
  /** fixes dropped for good, other than duplicates: index in `positions` and why */
  dropped: ({ index: number } & DroppedFix)[];
}

export interface ReportSinks {
  ingest: IngestPipeline;
  deviceStatus: DeviceStatusService;
  alerts: AlertStore;
  config: { clockToleranceMs: number };
}

/**
 * One report through the one pipeline: its positions (committed before this resolves, never
 * rate-limited: apps replay what they buffered), then the device status, then the alarm, placed
 * at the report's newest position when it names none. A fix that can never be stored is dropped
 * and listed, never a failure of the report. A storage failure rejects the promise.
 */
export async function ingestReport(sinks: ReportSinks, device: DeviceRef, report: DeviceReport, source: string, arrival: number): Promise<ReportOutcome> {
  const outcome: ReportOutcome = { stored: 0, duplicates: 0, dropped: [] };
  const tolerance = sinks.config.clockToleranceMs;
  // A clock that runs ahead does so for every fix of the report: they move back together.
  const newestTime = report.positions.reduce((m, p) => Math.max(m, p.deviceTime), report.alarm?.deviceTime ?? -Infinity);
  const skewMs = sinks.ingest.clockSkew(device.pk, newestTime, arrival);
  const base = { companyId: device.company_id, userPk: device.pk, userId: device.user_id, source, live: false };
  for (const { position: p, dropped } of report.unusable ?? []) {
    sinks.ingest.recordDrop({ userPk: device.pk, ...dropped, source, at: arrival, lat: p.lat, lng: p.lng, deviceTime: p.deviceTime });
  }
  const results = await Promise.all(report.positions.map((position) => sinks.ingest.store({ ...base, position, skewMs })));
  for (const [index, r] of results.entries()) {
    if (r.stored) outcome.stored++;
    else if (r.dropped.reason === 'duplicate') outcome.duplicates++;
    else outcome.dropped.push({ index, ...r.dropped });
  }
  if (report.status && Object.keys(report.status).length > 0) sinks.deviceStatus.report(device, report.status, source, arrival);
  if (report.alarm) {
    // Where it happened: as reported, else the report's newest fix, else the device's last known one.
    const newest = report.positions.reduce<PositionRecord | undefined>((a, p) => (!a || p.deviceTime > a.deviceTime ? p : a), undefined) ?? sinks.ingest.lastKnown(device.pk);
    // An alarm is never dropped for a broken phone clock: its time is corrected as a fix's would
    // be, or, when it cannot be true at all, it is placed at arrival time.
    const a = report.alarm;
    const clock = judgeTime(a.deviceTime, arrival, tolerance, skewMs);
    const time = clock.ok ? clock.time : arrival;
    const details = time !== a.deviceTime ? { ...a.details, reported_time: a.deviceTime, clock_problem: clock.ok ? 'the phone clock was corrected' : clock.drop.message } : (a.details ?? null);
    sinks.alerts.record(device, {
      kind: a.kind,
      deviceTime: time,
      serverTime: arrival,
      lat: report.alarm.lat ?? newest?.lat ?? null,
      lng: report.alarm.lng ?? newest?.lng ?? null,
      source,
      details,
    });
  }
  return outcome;
}
