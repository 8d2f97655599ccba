/** Spherical geometry at city scale: distances, bearings and small metre offsets. */
export interface LatLng {
  lat: number;
  lng: number;
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number): number => (deg * Math.PI) / 180;
const deg = (r: number): number => (r * 180) / Math.PI;

export function distanceM(a: LatLng, b: LatLng): number {
  return distanceBetweenM(a.lat, a.lng, b.lat, b.lng);
}

/** distanceM for coordinates kept as plain numbers (e.g. in typed arrays). */
export function distanceBetweenM(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const dLat = rad(bLat - aLat);
  const dLng = rad(bLng - aLng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(aLat)) * Math.cos(rad(bLat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from a to b, degrees clockwise from north in [0, 360). */
export function bearingDeg(a: LatLng, b: LatLng): number {
  const y = Math.sin(rad(b.lng - a.lng)) * Math.cos(rad(b.lat));
  const x = Math.cos(rad(a.lat)) * Math.sin(rad(b.lat)) - Math.sin(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.cos(rad(b.lng - a.lng));
  return normalizeBearing(deg(Math.atan2(y, x)));
}

export function normalizeBearing(b: number): number {
  const n = b % 360;
  return n < 0 ? n + 360 : n;
}

/** Smallest angle between two bearings, 0–180. */
export function bearingDiff(a: number, b: number): number {
  const d = Math.abs(normalizeBearing(a) - normalizeBearing(b));
  return d > 180 ? 360 - d : d;
}

/** Moves a point by metres north and east (flat-earth approximation, fine below a kilometre). */
export function offsetM(p: LatLng, northM: number, eastM: number): LatLng {
  return {
    lat: p.lat + deg(northM / EARTH_RADIUS_M),
    lng: p.lng + deg(eastM / (EARTH_RADIUS_M * Math.cos(rad(p.lat)))),
  };
}

export function lerp(a: LatLng, b: LatLng, f: number): LatLng {
  return { lat: a.lat + (b.lat - a.lat) * f, lng: a.lng + (b.lng - a.lng) * f };
}
