import type { ExportTrack } from './track-export';

/**
 * A GeoJSON FeatureCollection (RFC 7946, [lng, lat(, ele)]): the track as a LineString of the
 * fixes that are not flagged, with per-vertex times and speeds (m/s); flagged fixes and driving
 * events as Points.
 */
export function toGeoJson(t: ExportTrack): string {
  const line = t.points.filter((p) => !p.flagged);
  const coord = (p: { lng: number; lat: number; ele: number | null }) => (p.ele === null ? [p.lng, p.lat] : [p.lng, p.lat, p.ele]);
  const features: unknown[] = [
    {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: line.map(coord) },
      properties: { id: t.id, type: t.kind, device_id: t.deviceId, times: line.map((p) => p.time), speeds: line.map((p) => p.speed) },
    },
    ...t.points
      .filter((p) => p.flagged)
      .map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: coord(p) }, properties: { kind: 'flagged', time: p.time, speed: p.speed } })),
    ...t.events.map((e) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [e.lng, e.lat] }, properties: { kind: e.kind, time: e.time, value: e.value, duration_s: e.duration_s } })),
  ];
  return JSON.stringify({ type: 'FeatureCollection', features });
}
