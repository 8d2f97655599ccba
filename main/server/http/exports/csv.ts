import type { ExportTrack } from './track-export';
import { msToKmh } from '../../../../shared/units';

/** The CSV header: SI units in the column names. */
export const CSV_HEADER = 'time,lat,lng,altitude_m,speed_m_s,speed_km_h,bearing_deg,accuracy_m,flagged';

const cell = (v: number | null) => (v === null ? '' : String(v));

/** One row per fix (RFC 4180, CRLF line ends); times ISO-8601 UTC. */
export function toCsv(t: ExportTrack): string {
  const rows = t.points.map((p) =>
    [p.time, p.lat, p.lng, cell(p.ele), p.speed, Math.round(msToKmh(p.speed) * 100) / 100, cell(p.bearing), cell(p.accuracy), p.flagged ? 1 : 0].join(','),
  );
  return [CSV_HEADER, ...rows].join('\r\n') + '\r\n';
}
