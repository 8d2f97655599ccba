/**
 * Synthetic drives with known ground truth for the trip tests: a vehicle integrated second by
 * second (speed, heading, turn rate), reporting fixes at a chosen interval with its true speed
 * and course. `truth` accumulates the distance driven.
 */
import fs from 'node:fs';
import { offsetM, type LatLng } from '../../shared/geo';
import type { RawFix } from '../../main/server/trips/process';
import { realworldPath } from './realworld';

export const T0 = Date.UTC(2026, 5, 1, 7, 0, 0);
export const MUNICH = { lat: 48.137, lng: 11.575 };

/** A tiny deterministic PRNG (mulberry32) so noisy traces repeat exactly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Trace {
  readonly fixes: RawFix[] = [];
  pos: LatLng;
  t: number;
  speed = 0;
  heading = 90;
  /** metres driven (ground truth) */
  truth = 0;

  constructor(
    start: LatLng = MUNICH,
    t0 = T0,
    /** seconds between fixes */
    private readonly every = 1,
    private readonly accuracy = 5,
  ) {
    this.pos = start;
    this.t = t0;
    this.emit();
  }

  private emit(pos = this.pos, speed = this.speed): void {
    this.fixes.push({ t: this.t, lat: pos.lat, lng: pos.lng, speed, bearing: ((this.heading % 360) + 360) % 360, accuracy: this.accuracy, altitude: null, flags: 0 });
  }

  /** Advance one second: accelerate by `accel` m/s², turn by `turn` °/s; a fix every `every` s. */
  private step(accel: number, turn: number, report = true): void {
    const v0 = this.speed;
    this.speed = Math.max(0, v0 + accel);
    const d = (v0 + this.speed) / 2;
    const h = ((this.heading + turn / 2) * Math.PI) / 180;
    this.pos = offsetM(this.pos, d * Math.cos(h), d * Math.sin(h));
    this.heading += turn;
    this.truth += d;
    this.t += 1000;
    if (report && Math.round((this.t - T0) / 1000) % this.every === 0) this.emit();
  }

  /** Constant speed for `s` seconds, optionally turning at `turn` °/s. */
  drive(s: number, speed = this.speed, turn = 0): this {
    this.speed = speed;
    // a trace that opens with a drive is already at that speed at its first fix
    if (this.fixes.length === 1) (this.fixes[0] as RawFix).speed = speed;
    for (let i = 0; i < s; i++) this.step(0, turn);
    return this;
  }

  /** Change speed at `rate` m/s² (negative: braking) until `to`. */
  accelerate(to: number, rate: number): this {
    while (rate > 0 ? this.speed < to - 1e-9 : this.speed > to + 1e-9) {
      const a = rate > 0 ? Math.min(rate, to - this.speed) : Math.max(rate, to - this.speed);
      this.step(a, 0);
    }
    return this;
  }

  /** Standing still for `s` seconds with fixes; `noise` metres of drift and occasional `jump` metres. */
  stand(s: number, noise = 0, random = rng(1), jumpEvery = 0, jump = 0): this {
    this.speed = 0;
    for (let i = 1; i <= s; i++) {
      this.t += 1000;
      if (Math.round((this.t - T0) / 1000) % this.every !== 0) continue;
      let p = offsetM(this.pos, (random() * 2 - 1) * noise, (random() * 2 - 1) * noise);
      if (jumpEvery > 0 && i % jumpEvery === 0) p = offsetM(this.pos, jump * Math.cos(i), jump * Math.sin(i));
      this.emit(p, 0);
    }
    return this;
  }

  /** No fixes for `s` seconds while the vehicle keeps its speed (a tunnel, a dead phone). */
  silent(s: number): this {
    for (let i = 0; i < s; i++) this.step(0, 0, false);
    return this;
  }
}


/** barefoot's Munich drive (x0001-001: 1 Hz, 1194 fixes, WKT + local time); no speeds in the file. */
export function munichTrace(file = 'barefoot-munich-x0001-001.json'): RawFix[] {
  const raw = JSON.parse(fs.readFileSync(realworldPath(`traces/${file}`), 'utf8')) as { point: string; time: string }[];
  return raw.map((r) => {
    const m = /^POINT\(([-\d.]+) ([-\d.]+)\)$/.exec(r.point);
    const time = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})([+-]\d{2})(\d{2})$/.exec(r.time);
    if (!m || !time) throw new Error(`bad sample ${r.point} ${r.time}`);
    return { t: Date.parse(`${time[1]}T${time[2]}${time[3]}:${time[4]}`), lat: Number(m[2]), lng: Number(m[1]), speed: 0, bearing: 0, accuracy: null, altitude: null, flags: 0 };
  });
}

/** gpxpy's Višnjan drive (Garmin eTrex 20x GPX 1.1: lat, lon, ele, time). */
export function visnjanTrace(): RawFix[] {
  const xml = fs.readFileSync(realworldPath('traces/gpxpy-around-visnjan-with-car.gpx'), 'utf8');
  const out: RawFix[] = [];
  for (const m of xml.matchAll(/<trkpt lat="([-\d.]+)" lon="([-\d.]+)">([\s\S]*?)<\/trkpt>/g)) {
    const ele = /<ele>([-\d.]+)<\/ele>/.exec(m[3] as string);
    const time = /<time>([^<]+)<\/time>/.exec(m[3] as string);
    out.push({ t: Date.parse(time![1] as string), lat: Number(m[1]), lng: Number(m[2]), speed: 0, bearing: 0, accuracy: null, altitude: ele ? Number(ele[1]) : null, flags: 0 });
  }
  return out;
}
