/**
 * Crash detection, pure (no DOM): fed accelerationIncludingGravity samples, it keeps ~10 s of
 * them downsampled to ~10 Hz (each 100 ms bucket keeps its strongest sample, so a short spike
 * survives), and reports an impact above the threshold at once, then — once `postMs` more have
 * been collected — the complete report the `alert` carries. Unit-tested in
 * test/unit/crash-detector.test.ts.
 */

export const STANDARD_GRAVITY = 9.81;

export interface MotionSample {
  /** epoch ms */
  t: number;
  /** acceleration including gravity, m/s² */
  x: number;
  y: number;
  z: number;
}

export interface CrashReport {
  impactAt: number;
  peak_g: number;
  threshold_g: number;
  /** oldest first, at most `maxSamples` */
  motion: MotionSample[];
}

export type CrashEvent = { type: 'impact'; at: number; peak_g: number } | { type: 'complete'; report: CrashReport };

export interface CrashDetectorOptions {
  thresholdG: number;
  /** kept before an impact */
  preMs?: number;
  /** collected after an impact before the report is complete */
  postMs?: number;
  /** one sample per bucket (100 ms → 10 Hz) */
  bucketMs?: number;
  /** after a report, impacts are ignored this long (one crash, one alert) */
  cooldownMs?: number;
  maxSamples?: number;
}

export function magnitudeG(s: { x: number; y: number; z: number }): number {
  return Math.hypot(s.x, s.y, s.z) / STANDARD_GRAVITY;
}

const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

export class CrashDetector {
  readonly thresholdG: number;
  private readonly preMs: number;
  private readonly postMs: number;
  private readonly bucketMs: number;
  private readonly cooldownMs: number;
  private readonly maxSamples: number;
  private samples: MotionSample[] = [];
  private bucket: { index: number; sample: MotionSample; g: number } | null = null;
  private impact: { at: number; peak: number } | null = null;
  private quietUntil = -Infinity;

  constructor(opts: CrashDetectorOptions) {
    this.thresholdG = opts.thresholdG;
    this.preMs = opts.preMs ?? 10_000;
    this.postMs = opts.postMs ?? 5_000;
    this.bucketMs = opts.bucketMs ?? 100;
    this.cooldownMs = opts.cooldownMs ?? 30_000;
    this.maxSamples = opts.maxSamples ?? 600;
  }

  /** An impact is being collected (between the `impact` and `complete` events). */
  get collecting(): boolean {
    return this.impact !== null;
  }

  add(sample: MotionSample): CrashEvent[] {
    if (![sample.t, sample.x, sample.y, sample.z].every(Number.isFinite)) return [];
    const events: CrashEvent[] = [];
    const g = magnitudeG(sample);
    this.keep(sample, g);
    if (this.impact) {
      this.impact.peak = Math.max(this.impact.peak, g);
    } else if (g > this.thresholdG && sample.t >= this.quietUntil) {
      this.impact = { at: sample.t, peak: g };
      events.push({ type: 'impact', at: sample.t, peak_g: round(g, 2) });
    }
    if (this.impact && sample.t - this.impact.at >= this.postMs) {
      events.push({ type: 'complete', report: this.report() as CrashReport });
      this.impact = null;
      this.quietUntil = sample.t + this.cooldownMs;
    }
    this.trim(sample.t);
    return events;
  }

  /** The report of the impact being collected, as far as it goes (for "send now"); null without one. */
  report(): CrashReport | null {
    if (!this.impact) return null;
    const from = this.impact.at - this.preMs;
    const all = this.bucket ? [...this.samples, this.bucket.sample] : [...this.samples];
    const motion = all
      .filter((s) => s.t >= from)
      .slice(-this.maxSamples)
      .map((s) => ({ t: Math.round(s.t), x: round(s.x), y: round(s.y), z: round(s.z) }));
    return { impactAt: this.impact.at, peak_g: round(this.impact.peak, 2), threshold_g: this.thresholdG, motion };
  }

  /** Drops the impact being collected (the driver cancelled); later impacts are detected again. */
  cancel(now: number): void {
    this.impact = null;
    this.quietUntil = now + this.postMs;
  }

  /** Downsamples: one sample per bucket, the strongest. */
  private keep(sample: MotionSample, g: number): void {
    const index = Math.floor(sample.t / this.bucketMs);
    if (this.bucket && this.bucket.index === index) {
      if (g > this.bucket.g) this.bucket = { index, sample, g };
      return;
    }
    if (this.bucket) this.samples.push(this.bucket.sample);
    this.bucket = { index, sample, g };
  }

  private trim(now: number): void {
    const from = (this.impact ? this.impact.at : now) - this.preMs;
    let drop = 0;
    while (drop < this.samples.length && (this.samples[drop] as MotionSample).t < from) drop++;
    if (drop > 0) this.samples.splice(0, drop);
    if (this.samples.length > this.maxSamples) this.samples.splice(0, this.samples.length - this.maxSamples);
  }
}

/** The last `windowMs` of fixes (at most `max`), for a crash report. */
export class RecentFixes<T extends { timestamp: string }> {
  private fixes: T[] = [];
  constructor(
    private readonly windowMs = 30_000,
    private readonly max = 120,
  ) {}

  add(fix: T): void {
    this.fixes.push(fix);
    const from = Date.parse(fix.timestamp) - this.windowMs;
    this.fixes = this.fixes.filter((f) => Date.parse(f.timestamp) >= from).slice(-this.max);
  }

  list(): T[] {
    return [...this.fixes];
  }
}
