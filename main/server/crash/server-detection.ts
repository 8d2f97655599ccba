import type { AlertStore } from '../devices/alerts';
import type { CommittedFix } from '../ingest/stages';
import type { Logger } from '../logger';
import { SpeedDropDetector } from './detector';

/**
 * Streams every device's new fixes (after commit, device-time order, GPS jumps left out)
 * through its own SpeedDropDetector; a detection becomes a crash alert with source 'server',
 * which starts the accident stages like any other crash report. No database reads per fix;
 * replaying the same trace again detects the same drop, and the alert's device+time
 * uniqueness keeps it one alert.
 */
export class ServerCrashDetection {
  readonly detectors = new Map<number, SpeedDropDetector>();

  constructor(private readonly deps: { alerts: AlertStore; logger: Logger }) {}

  /** The post-commit stage (ingest/stages.ts). */
  onPosition(req: CommittedFix): void {
    const { deps, detectors } = this;
    let d = detectors.get(req.userPk);
    if (!d) detectors.set(req.userPk, (d = new SpeedDropDetector()));
    const p = req.position;
    const hit = d.push({ time: p.deviceTime, lat: p.lat, lng: p.lng, speed: p.speed });
    if (!hit) return;
    try {
      deps.alerts.record(
        { pk: req.userPk, company_id: req.companyId, user_id: req.userId },
        {
          kind: 'crash',
          deviceTime: hit.time,
          serverTime: req.position.serverTime,
          lat: hit.lat,
          lng: hit.lng,
          source: 'server',
          details: {
            detected: 'speed drop',
            from_speed: Math.round(hit.fromSpeed * 100) / 100,
            deceleration: Math.round(hit.deceleration * 100) / 100,
            drop_s: hit.dropSeconds,
            still_s: hit.stillSeconds,
          },
        },
      );
    } catch (err) {
      deps.logger.error({ err, device: req.userId }, 'detected crash not stored');
    }
  }
}
