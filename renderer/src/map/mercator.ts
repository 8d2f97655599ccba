/**
 * Web Mercator in world units (0…1 across the world), the projection of Leaflet's EPSG3857.
 * Markers are kept in these units so each frame only scales and offsets them: no trigonometry
 * per marker per frame.
 */
const MAX_LAT = 85.0511287798;
const D2R = Math.PI / 180;

export function mercX(lng: number): number {
  return (lng + 180) / 360;
}

export function mercY(lat: number): number {
  const phi = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * D2R;
  return 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
}

export function lngOf(x: number): number {
  return x * 360 - 180;
}

export function latOf(y: number): number {
  return (2 * Math.atan(Math.exp((0.5 - y) * 2 * Math.PI)) - Math.PI / 2) / D2R;
}
