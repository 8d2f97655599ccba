/**
 * A processed track as samples in time, for replay: where the vehicle was and how fast it went
 * at any moment between the first and last fix (linear between fixes).
 */
import type { RichTrack } from '../../../../shared/api/trips';

export interface TrackSamples {
  t: number[];
  lat: number[];
  lng: number[];
  /** m/s */
  speed: number[];
}

export function samplesOf(track: RichTrack): TrackSamples {
  const coords = track.geometry.geometry.coordinates;
  const { times, speeds } = track.geometry.properties;
  const out: TrackSamples = { t: [], lat: [], lng: [], speed: [] };
  for (let i = 0; i < coords.length; i++) {
    const c = coords[i]!;
    const t = Date.parse(times[i] ?? '');
    if (!Number.isFinite(t) || c.length < 2) continue;
    // Times only go forward (a sample out of order is dropped rather than folding the replay back).
    if (out.t.length && t < out.t[out.t.length - 1]!) continue;
    out.t.push(t);
    out.lng.push(c[0]!);
    out.lat.push(c[1]!);
    out.speed.push(speeds[i] ?? 0);
  }
  return out;
}

/** Position and speed at time `at` (clamped to the track). */
export function sampleAt(s: TrackSamples, at: number): { lat: number; lng: number; speed: number } | null {
  const n = s.t.length;
  if (n === 0) return null;
  if (at <= s.t[0]!) return { lat: s.lat[0]!, lng: s.lng[0]!, speed: s.speed[0]! };
  if (at >= s.t[n - 1]!) return { lat: s.lat[n - 1]!, lng: s.lng[n - 1]!, speed: s.speed[n - 1]! };
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (s.t[mid]! <= at) lo = mid;
    else hi = mid;
  }
  const span = s.t[hi]! - s.t[lo]!;
  const f = span > 0 ? (at - s.t[lo]!) / span : 0;
  const mix = (a: number[]) => a[lo]! + (a[hi]! - a[lo]!) * f;
  return { lat: mix(s.lat), lng: mix(s.lng), speed: mix(s.speed) };
}
