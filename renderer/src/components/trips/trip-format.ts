/** How the trips view writes durations, distances, clock times and event names. */
import type { DrivingEvent, DrivingEventKind } from '../../../../shared/api/trips';
import { formatSpeed } from '../../lib/format';
import type { SpeedUnit } from '../../prefs/units';

export function formatDuration(s: number): string {
  const total = Math.max(0, Math.round(s));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  if (h > 0) return `${h} h ${pad(m)} min`;
  if (m > 0) return `${m} min ${pad(total % 60)} s`;
  return `${total} s`;
}

const pad = (n: number) => String(n).padStart(2, '0');

export const formatKm = (m: number): string => `${(m / 1000).toFixed(m < 10_000 ? 2 : 1)} km`;

export const clock = (iso: string | number, seconds = false): string =>
  new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) });

export const EVENT_LABEL: Record<DrivingEventKind, string> = {
  harsh_acceleration: 'Harsh acceleration',
  harsh_braking: 'Harsh braking',
  harsh_cornering: 'Harsh cornering',
  speeding: 'Speeding',
};

/**
 * One letter per kind, drawn in the kind's colour (on the map, the chart and the list). The
 * trip's start and end are symbols (TRIP_END_GLYPH), so no letter means two things.
 */
export const EVENT_GLYPH: Record<DrivingEventKind, string> = {
  harsh_acceleration: 'A',
  harsh_braking: 'B',
  harsh_cornering: 'C',
  speeding: 'S',
};

export const TRIP_END_GLYPH = { start: '▶', end: '■' } as const;

export const EVENT_COLOR: Record<DrivingEventKind, string> = {
  harsh_acceleration: '#2563eb',
  harsh_braking: '#c62828',
  harsh_cornering: '#d97706',
  speeding: '#7c3aed',
};

/** "Harsh braking: 6.2 m/s² (0.63 g) at 10:02:03" or "Speeding: 131 km/h for 40 s at …". */
export function describeEvent(e: DrivingEvent, units: SpeedUnit): string {
  const at = clock(e.time, true);
  if (e.kind === 'speeding') return `${EVENT_LABEL[e.kind]}: up to ${formatSpeed(e.value, units)} for ${formatDuration(e.duration_s)} at ${at}`;
  return `${EVENT_LABEL[e.kind]}: ${Math.abs(e.value).toFixed(1)} m/s² (${(Math.abs(e.value) / 9.80665).toFixed(2)} g) at ${at}`;
}

/** "Safety score 86/100", or "Not scored" for a removed track. */
export const scoreLabel = (score: number | null): string => (score === null ? 'Not scored' : `Safety score ${Math.round(score)}/100`);

/** How the server computes the score (main/server/trips/score.ts), said plainly for the score's tooltip. */
export const SCORE_HELP =
  'Safety score, 0–100: 100 minus penalty points per 10 km driven. ' +
  'Points: harsh acceleration 5, harsh braking 8, harsh cornering 5, each minute of speeding 3. ' +
  'Trips under 1 km count as 1 km.';

/** Score colours: good, fair, poor. */
export function scoreClass(score: number | null): string {
  if (score === null) return 'score-none';
  return score >= 80 ? 'score-good' : score >= 60 ? 'score-fair' : 'score-poor';
}
