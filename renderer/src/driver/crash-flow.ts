/**
 * A detected crash, from the impact to the office: a countdown the driver can cancel ("I'm OK")
 * or cut short ("Send alert now"), then the `alert` with the motion around the impact and the
 * last fixes. Detection itself is pure, in crash-detector.ts.
 */
import type { AlertPayload } from '../../../shared/protocol/device';
import type { AlertSender } from './alert-sender';
import { CrashDetector, RecentFixes, type CrashReport, type MotionSample } from './crash-detector';
import type { DriverContext } from './driver-state';
import type { QueuedFix } from './wire';

/** A crash alert goes out this long after the impact unless cancelled. */
export const CRASH_CANCEL_MS = 10_000;

export class CrashFlow {
  private detector: CrashDetector | null = null;
  private report: CrashReport | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly recent = new RecentFixes<QueuedFix['payload']>();

  constructor(
    private readonly ctx: DriverContext,
    private readonly alerts: AlertSender,
  ) {}

  /** Detects impacts above the office's threshold from now on (duty started). */
  arm(thresholdG: number): void {
    this.detector = new CrashDetector({ thresholdG });
  }

  /** A fix the phone produced: the alert carries the last ones. */
  addFix(payload: QueuedFix['payload']): void {
    this.recent.add(payload);
  }

  onMotion(sample: MotionSample): void {
    if (!this.detector) return;
    for (const ev of this.detector.add(sample)) {
      if (ev.type === 'impact' && !this.ctx.state.crash) {
        this.report = null;
        this.ctx.set({ crash: { phase: 'countdown', impactAt: ev.at, deadline: ev.at + CRASH_CANCEL_MS, peak_g: ev.peak_g } });
        this.timer = setTimeout(() => void this.send(), Math.max(0, ev.at + CRASH_CANCEL_MS - Date.now()));
      } else if (ev.type === 'complete') {
        this.report = ev.report;
        const crash = this.ctx.state.crash;
        if (crash?.phase === 'countdown') this.ctx.set({ crash: { ...crash, peak_g: ev.report.peak_g } });
      }
    }
  }

  /** "I'm OK": the crash alert is not sent. */
  cancel(): void {
    this.clearTimer();
    this.detector?.cancel(Date.now());
    this.report = null;
    this.ctx.set({ crash: null });
  }

  dismiss(): void {
    if (this.ctx.state.crash?.phase !== 'countdown') this.ctx.set({ crash: null });
  }

  /** Sends the crash alert now (the countdown ran out, or the driver asked for help at once). */
  async send(): Promise<void> {
    const crash = this.ctx.state.crash;
    if (crash?.phase !== 'countdown' || !this.ctx.outbox) return;
    this.clearTimer();
    const report = this.report ?? this.detector?.report() ?? null;
    if (this.detector?.collecting) this.detector.cancel(Date.now());
    const payload: AlertPayload = {
      kind: 'crash',
      timestamp: new Date(crash.impactAt).toISOString(),
      ...this.ctx.position(),
      peak_g: Math.min(1000, report?.peak_g ?? crash.peak_g),
      threshold_g: this.ctx.settings.crash_threshold_g,
      motion: (report?.motion ?? []).slice(-600),
      positions: this.recent.list().slice(-120),
    };
    await this.alerts.put(payload);
    this.ctx.set({ crash: { phase: 'sending', impactAt: crash.impactAt, peak_g: payload.peak_g as number } });
    await this.alerts.send();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
