import { distanceM } from '../../../shared/geo';
import { kmhToMs } from '../../../shared/units';

/**
 * Server-side crash detection from speeds alone, streaming per device in device time (a replayed
 * trace detects what live data did). Pure; unit-tested in test/unit/server-crash-detector.test.ts.
 *
 * A crash looks like this: the device was driving (at least two fixes at ≥ 30 km/h in the 10 s
 * before, and ≥ 30 m covered, so a single speed spike of a parked phone does not count), then a
 * fix below 5 km/h follows a ≥ 30 km/h one by at most 3 s with a deceleration of at least
 * 8 m/s² (about 0.8 g: emergency braking on dry asphalt tops out near there, ordinary braking to
 * a traffic light stays at or under 4 m/s²), and then nothing moves — every fix stays within
 * 30 m of the stop and below 2 m/s — for 30 s of device time. Any movement in those 30 s (it
 * drove away) cancels it. The device must also have covered ground during the drop (at least a
 * quarter of fromSpeed × drop time): a GPS receiver that froze and repeats its last fix shows a
 * perfect "stop" without any. Needs reported (Doppler) speeds and fixes at most 3 s apart; sparse
 * sources (a fix every 15 s) cannot show a drop this sharp and are not detected here.
 *
 * Cost per fix: a few comparisons over at most ~10 s of the device's fixes kept in memory.
 */

export interface DetectorFix {
  /** device time, epoch ms */
  time: number;
  lat: number;
  lng: number;
  /** m/s */
  speed: number;
}

export interface SpeedDrop {
  /** device time of the first standstill fix (the event time) */
  time: number;
  lat: number;
  lng: number;
  /** m/s, the last driving speed before the drop */
  fromSpeed: number;
  /** m/s² */
  deceleration: number;
  /** s from the driving fix to the standstill fix */
  dropSeconds: number;
  /** s of device time it then stayed still */
  stillSeconds: number;
}

export const DETECTOR_LIMITS = {
  /** driving speed before the drop, m/s (30 km/h) */
  fromSpeed: kmhToMs(30),
  /** standstill after it, m/s (5 km/h) */
  stopSpeed: kmhToMs(5),
  /** the drop happens within this long */
  maxDropMs: 3_000,
  /** and is at least this sharp, m/s² */
  minDeceleration: 8,
  /** during the drop the device covers at least this share of fromSpeed × drop time (v·dt/2 when braking evenly) */
  minDropTravel: 0.25,
  /** how far back driving is looked for */
  historyMs: 10_000,
  /** driving: at least this many fixes at fromSpeed in the history… */
  minDrivingFixes: 2,
  /** …and at least this far covered */
  minDrivingM: 30,
  /** then still for this long of device time… */
  stillMs: 30_000,
  /** …within this radius of the stop… */
  stillRadiusM: 30,
  /** …and below this speed, m/s */
  stillSpeed: 2,
} as const;

interface Candidate {
  stop: DetectorFix;
  fromSpeed: number;
  deceleration: number;
  dropSeconds: number;
}

/**
 * The fixes of the last historyMs, oldest first, copied into growable typed-array rings: with
 * thousands of devices at 1 Hz, a fix object kept for 10 s would outlive V8's young generation
 * and grow the old space until a full collection (issue 16's memory figures).
 */
class FixHistory {
  private cap = 16;
  private times = new Float64Array(this.cap);
  private lats = new Float64Array(this.cap);
  private lngs = new Float64Array(this.cap);
  private speeds = new Float64Array(this.cap);
  private start = 0;
  size = 0;

  push(f: DetectorFix): void {
    if (this.size === this.cap) this.grow();
    const i = (this.start + this.size) % this.cap;
    this.times[i] = f.time;
    this.lats[i] = f.lat;
    this.lngs[i] = f.lng;
    this.speeds[i] = f.speed;
    this.size++;
  }

  /** Forgets the fixes older than `cutoff`. */
  dropBefore(cutoff: number): void {
    while (this.size > 0 && (this.times[this.start] as number) < cutoff) {
      this.start = (this.start + 1) % this.cap;
      this.size--;
    }
  }

  /** The k-th fix, oldest first (a fresh object: callers use it and let it go). */
  at(k: number): DetectorFix {
    const i = (this.start + k) % this.cap;
    return { time: this.times[i] as number, lat: this.lats[i] as number, lng: this.lngs[i] as number, speed: this.speeds[i] as number };
  }

  time(k: number): number {
    return this.times[(this.start + k) % this.cap] as number;
  }

  speed(k: number): number {
    return this.speeds[(this.start + k) % this.cap] as number;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const copy = (a: Float64Array) => {
      const b = new Float64Array(cap);
      for (let k = 0; k < this.size; k++) b[k] = a[(this.start + k) % this.cap] as number;
      return b;
    };
    this.times = copy(this.times);
    this.lats = copy(this.lats);
    this.lngs = copy(this.lngs);
    this.speeds = copy(this.speeds);
    this.start = 0;
    this.cap = cap;
  }
}

/** One device's detector state. */
export class SpeedDropDetector {
  private readonly history = new FixHistory();
  private candidate: Candidate | null = null;

  /** Feeds the device's next fix (device-time order); returns a detection once it is certain. */
  push(fix: DetectorFix): SpeedDrop | null {
    const h = this.history;
    if (h.size > 0 && fix.time <= h.time(h.size - 1)) return null; // out of order or duplicate: ignored
    let found: SpeedDrop | null = null;
    const c = this.candidate;
    if (c) {
      const moved = fix.speed >= DETECTOR_LIMITS.stillSpeed || distanceM(c.stop, fix) >= DETECTOR_LIMITS.stillRadiusM;
      if (moved) this.candidate = null;
      else if (fix.time - c.stop.time >= DETECTOR_LIMITS.stillMs) {
        found = {
          time: c.stop.time,
          lat: c.stop.lat,
          lng: c.stop.lng,
          fromSpeed: c.fromSpeed,
          deceleration: c.deceleration,
          dropSeconds: c.dropSeconds,
          stillSeconds: (fix.time - c.stop.time) / 1000,
        };
        this.candidate = null;
      }
    }
    if (!this.candidate && !found && fix.speed < DETECTOR_LIMITS.stopSpeed) this.candidate = this.drop(fix);
    h.push(fix);
    h.dropBefore(fix.time - DETECTOR_LIMITS.historyMs);
    return found;
  }

  /** Whether a drop is waiting for its 30 s of stillness. */
  get pending(): boolean {
    return this.candidate !== null;
  }

  private drop(stop: DetectorFix): Candidate | null {
    let best: Candidate | null = null;
    const h = this.history;
    for (let k = 0; k < h.size; k++) {
      const dt = stop.time - h.time(k);
      if (dt <= 0 || dt > DETECTOR_LIMITS.maxDropMs || h.speed(k) < DETECTOR_LIMITS.fromSpeed) continue;
      const f = h.at(k);
      const deceleration = (f.speed - stop.speed) / (dt / 1000);
      // A vehicle braking from v to 0 in dt still covers about v·dt/2; a receiver that froze
      // (repeating its last fix, as before the real Munich trace's 470 m jump) covers nothing.
      const covered = distanceM(f, stop) >= DETECTOR_LIMITS.minDropTravel * f.speed * (dt / 1000);
      if (covered && deceleration >= DETECTOR_LIMITS.minDeceleration && (!best || deceleration > best.deceleration)) {
        best = { stop, fromSpeed: f.speed, deceleration, dropSeconds: dt / 1000 };
      }
    }
    if (!best) return null;
    let driving = 0;
    for (let k = 0; k < h.size; k++) if (h.speed(k) >= DETECTOR_LIMITS.fromSpeed) driving++;
    if (driving < DETECTOR_LIMITS.minDrivingFixes || distanceM(h.at(0), stop) < DETECTOR_LIMITS.minDrivingM) return null;
    return best;
  }
}
