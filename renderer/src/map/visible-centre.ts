/**
 * The part of the map a person can see: a panel or a bottom sheet laid over the map hides its
 * right side or its bottom. To show a point in the middle of what is left, the map's centre is
 * moved by half of what they cover.
 */
import L from 'leaflet';

/** CSS px of the map's container hidden by something laid over it. */
export interface MapInsets {
  right: number;
  bottom: number;
}

/** Always leave this much of the map, whatever a panel claims to cover. */
const MIN_VISIBLE_PX = 40;

/** The map centre that shows `at` in the middle of the visible part, at `zoom`. */
export function visibleCentre(map: L.Map, at: L.LatLngExpression, zoom: number, insets: MapInsets): L.LatLng {
  const size = map.getSize();
  const right = Math.max(0, Math.min(insets.right, size.x - MIN_VISIBLE_PX));
  const bottom = Math.max(0, Math.min(insets.bottom, size.y - MIN_VISIBLE_PX));
  if (right === 0 && bottom === 0) return L.latLng(at);
  return map.unproject(map.project(at, zoom).add(L.point(right / 2, bottom / 2)), zoom);
}
