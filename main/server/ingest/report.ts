import type { AlertKind } from '../../../shared/protocol/device';
import type { AlertStore } from '../devices/alerts';
import type { DeviceRef, DeviceStatusService, StatusReport } from '../devices/device-status';
import type { PositionRecord } from '../store/positions';
import type { IngestPipeline } from './pipeline';
import { IngestRejected, timeProblem } from './pipeline';

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
  status?: StatusReport;
  alarm?: AlarmReport;
}

export interface ReportOutcome {
  stored: number;
  duplicates: number;
  /** the rejected fixes: index in the report and why */
  rejected: { index: number; message: string }[];
}

export interface ReportSinks {
  ingest: IngestPipeline;
  deviceStatus: DeviceStatusService;
  alerts: AlertStore;
}

/**
 * One report through the one pipeline: its positions (committed before this resolves, never
 * rate-limited: apps replay what they buffered), then the device status, then the alarm, placed
 * at the report's newest position when it names none. A storage failure rejects the promise.
 */
export async function ingestReport(sinks: ReportSinks, device: DeviceRef, report: DeviceReport, source: string): Promise<ReportOutcome> {
  const outcome: ReportOutcome = { stored: 0, duplicates: 0, rejected: [] };
  const results = await Promise.allSettled(
    report.positions.map((position) =>
      sinks.ingest.store({ companyId: device.company_id, userPk: device.pk, userId: device.user_id, position, source, live: false }),
    ),
  );
  for (const [index, r] of results.entries()) {
    if (r.status === 'fulfilled') {
      if (r.value) outcome.stored++;
      else outcome.duplicates++;
    } else if (r.reason instanceof IngestRejected) {
      outcome.rejected.push({ index, message: r.reason.message });
    } else {
      throw r.reason;
    }
  }
  const now = Date.now();
  if (report.status && Object.keys(report.status).length > 0) sinks.deviceStatus.report(device, report.status, source, now);
  if (report.alarm) {
    // Where it happened: as reported, else the report's newest fix, else the device's last known one.
    const newest = report.positions.reduce<PositionRecord | undefined>((a, p) => (!a || p.deviceTime > a.deviceTime ? p : a), undefined) ?? sinks.ingest.lastKnown(device.pk);
    // An alarm is never refused for a broken phone clock: it is placed at arrival time instead.
    const a = report.alarm;
    const clockWrong = timeProblem(a.deviceTime, now);
    const details = clockWrong ? { ...a.details, reported_time: a.deviceTime, clock_problem: clockWrong } : (a.details ?? null);
    sinks.alerts.record(device, {
      kind: a.kind,
      deviceTime: clockWrong ? now : a.deviceTime,
      serverTime: now,
      lat: report.alarm.lat ?? newest?.lat ?? null,
      lng: report.alarm.lng ?? newest?.lng ?? null,
      source,
      details,
    });
  }
  return outcome;
}
