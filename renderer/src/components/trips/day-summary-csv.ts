/**
 * The fleet day summary as CSV (RFC 4180): a header row with units, then one row per van;
 * fields with a comma, quote or line break are quoted, quotes doubled. Distances and speeds in
 * the user's unit (km and km/h, or mi and mph), times in minutes.
 */
import type { DaySummaryRow } from '../../../../shared/api/trips';
import type { SpeedUnit } from '../../prefs/units';

const M_PER_MI = 1609.344;
const MS_PER_MPH = 0.44704;
const MS_PER_KMH = 1 / 3.6;

export function csvField(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function daySummaryCsv(rows: DaySummaryRow[], day: string, units: SpeedUnit): string {
  const mi = units === 'mph';
  const header = ['Date', 'Van', 'Plate', 'Device id', 'Trips', mi ? 'Distance (mi)' : 'Distance (km)', 'Driving time (min)', 'Idle time (min)', mi ? 'Max speed (mph)' : 'Max speed (km/h)', 'Driving events', 'Safety score (0-100)', 'Driving now'];
  const lines = rows.map((r) => [
    day,
    r.name,
    r.vehicle_plate,
    r.device_id,
    r.trips,
    (r.distance_m / (mi ? M_PER_MI : 1000)).toFixed(2),
    (r.moving_s / 60).toFixed(1),
    (r.idle_s / 60).toFixed(1),
    Math.round(r.max_speed / (mi ? MS_PER_MPH : MS_PER_KMH)),
    r.events,
    r.score === null ? null : r.score.toFixed(1),
    r.in_progress ? 'yes' : 'no',
  ]);
  return [header, ...lines].map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}
