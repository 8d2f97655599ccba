/** Display formatting: ages, coordinates, speeds. Stored values are SI; conversion happens here, once. */
import { KMH_PER_MS } from '../../../shared/units';
import type { SpeedUnit } from '../prefs/units';

const MS_PER_KMH = 1 / KMH_PER_MS;
const MS_PER_MPH = 0.44704;

/** Whole km/h (or mph) everywhere, so "0 km/h" never sits beside "14.2 km/h"; "—" when unknown. */
export function formatSpeed(ms: number | null | undefined, unit: SpeedUnit): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const v = Math.max(0, ms) / (unit === 'mph' ? MS_PER_MPH : MS_PER_KMH);
  return `${Math.round(v)} ${unit === 'mph' ? 'mph' : 'km/h'}`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "just now" under a second. The list, the panel and the map's hover card all use it, with the same clock. */
export function formatAge(time: number, now: number): string {
  const s = Math.max(0, Math.floor((now - time) / 1000));
  if (s < 1) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** When a refused request may be tried again, from a 429's Retry-After: "in 30 seconds", "in 5 minutes" or "later". */
export function retryWhen(retryAfterS: number | null): string {
  const wait = retryAfterS ?? 0;
  return wait > 90 ? `in ${Math.ceil(wait / 60)} minutes` : wait > 0 ? `in ${wait} seconds` : 'later';
}

export const formatCoord = (v: number): string => v.toFixed(5);

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
export function formatBearing(deg: number): string {
  const d = ((deg % 360) + 360) % 360;
  return `${Math.round(d)}° ${COMPASS[Math.round(d / 45) % 8]}`;
}

export const formatMetres = (m: number | null): string => (m === null ? '—' : `${Math.round(m)} m`);
