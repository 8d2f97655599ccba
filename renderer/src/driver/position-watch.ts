/**
 * On duty, the phone's sensors: each position is shown, and queued in the outbox when it is at
 * least the office's minimum interval after the previous queued one; motion goes to the crash
 * flow.
 */
import type { CrashFlow } from './crash-flow';
import type { DriverContext } from './driver-state';
import { watchMotion, watchPosition } from './sensors';
import { FixThrottle, toPayload, type QueuedFix } from './wire';

/** The newest queued fix's time survives a reload: a browser repeats its cached position after one. */
const LAST_FIX_KEY = 'fleetdesk.driver.lastFixAt';

/** What the end-to-end tests read (window.__fleetdeskDriver). */
export interface ProducedFix {
  seq: number;
  timestamp: string;
  lat: number;
  lng: number;
}

export class PositionWatch {
  readonly produced: ProducedFix[] = [];
  private stopGeo: (() => void) | null = null;
  private stopMotion: (() => void) | null = null;
  private throttle = new FixThrottle(1000);

  constructor(
    private readonly ctx: DriverContext,
    private readonly crash: CrashFlow,
    /** a fix is in the outbox */
    private readonly onQueued: () => void,
  ) {}

  start(): void {
    if (this.stopGeo) return;
    const s = this.ctx.settings;
    const last = Number(localStorage.getItem(LAST_FIX_KEY));
    this.throttle = new FixThrottle(s.min_interval_ms, Number.isFinite(last) && last > 0 ? last : null);
    this.crash.arm(s.crash_threshold_g);
    this.stopGeo = watchPosition(
      (p) => this.onPosition(p),
      (e) =>
        this.ctx.set(e.code === 1 ? { gps: 'denied', gpsError: 'Location access is blocked for this site. Allow it in the browser settings.' } : { gpsError: e.message || 'no position yet' }),
    );
    this.stopMotion = watchMotion((m) => this.crash.onMotion(m));
  }

  stop(): void {
    this.stopGeo?.();
    this.stopMotion?.();
    this.stopGeo = this.stopMotion = null;
  }

  private onPosition(p: GeolocationPosition): void {
    const payload = toPayload(p);
    const lastFix = { time: p.timestamp, lat: payload.lat, lng: payload.lng, accuracy: payload.accuracy ?? 0, speedKmh: payload.speed };
    this.ctx.set({ lastFix, gpsError: null, gps: 'granted' });
    const outbox = this.ctx.outbox;
    if (!this.throttle.accept(p.timestamp) || !outbox) return;
    localStorage.setItem(LAST_FIX_KEY, String(p.timestamp));
    const fix: QueuedFix = { seq: outbox.nextSeq(), payload };
    this.crash.addFix(payload);
    this.produced.push({ seq: fix.seq, timestamp: payload.timestamp, lat: payload.lat, lng: payload.lng });
    void this.ctx
      .serial(async () => {
        await outbox.putFix(fix);
        await this.ctx.refreshPending();
      })
      .then(this.onQueued);
  }
}
