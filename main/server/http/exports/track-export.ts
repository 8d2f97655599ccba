import type { DrivingEvent, ExportFormat, IncomingTrack, RichTrack } from '../../../../shared/api/trips';

/** One point of an exported track (SI units; time ISO). */
export interface ExportPoint {
  time: string;
  lat: number;
  lng: number;
  ele: number | null;
  /** m/s */
  speed: number;
  bearing: number | null;
  accuracy: number | null;
  flagged: boolean;
}

/** What every export format is written from. */
export interface ExportTrack {
  name: string;
  kind: 'RichTrack' | 'IncomingTrack';
  id: string;
  deviceId: string;
  start: string;
  points: ExportPoint[];
  events: DrivingEvent[];
}

export function fromRich(t: RichTrack): ExportTrack {
  const { coordinates } = t.geometry.geometry;
  const { times, speeds } = t.geometry.properties;
  return {
    name: `${t.device_id} ${t.summary.start}`,
    kind: 'RichTrack',
    id: t.id,
    deviceId: t.device_id,
    start: t.summary.start,
    points: coordinates.map((c, i) => ({
      time: times[i] as string,
      lng: c[0] as number,
      lat: c[1] as number,
      ele: c[2] ?? null,
      speed: speeds[i] ?? 0,
      bearing: null,
      accuracy: null,
      flagged: false,
    })),
    events: t.events,
  };
}

export function fromIncoming(t: IncomingTrack): ExportTrack {
  return {
    name: `${t.device_id} ${t.start}`,
    kind: 'IncomingTrack',
    id: t.id,
    deviceId: t.device_id,
    start: t.start,
    points: t.positions.map((p) => ({
      time: p.device_time,
      lat: p.lat,
      lng: p.lng,
      ele: p.altitude,
      speed: p.speed,
      bearing: p.bearing,
      accuracy: p.accuracy,
      flagged: p.flagged,
    })),
    events: [],
  };
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  gpx: 'application/gpx+xml; charset=utf-8',
  geojson: 'application/geo+json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

const EXTENSIONS: Record<ExportFormat, string> = { gpx: 'gpx', geojson: 'geojson', csv: 'csv' };

/** `attachment; filename="rich-track-<device>-<yyyy-mm-ddThh-mm>-<id8>.gpx"`: safe in every header and file system. */
export function contentDisposition(t: ExportTrack, format: ExportFormat): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  const prefix = t.kind === 'RichTrack' ? 'rich-track' : 'incoming-track';
  const name = [prefix, safe(t.deviceId), safe(t.start.slice(0, 16)), t.id.slice(0, 8)].filter(Boolean).join('-');
  return `attachment; filename="${name}.${EXTENSIONS[format]}"`;
}
