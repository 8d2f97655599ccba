/** Flies the map to a point on request (an alert's "Show on map"); each new `seq` flies again. */
import { useEffect } from 'react';
import { useLeafletMap } from './map-context';

const FLY_ZOOM = 16;

export function FlyTo({ target }: { target: { lat: number; lng: number; seq: number } | null }) {
  const map = useLeafletMap();
  const seq = target?.seq;
  useEffect(() => {
    if (!target || !Number.isFinite(target.lat) || !Number.isFinite(target.lng)) return;
    map.flyTo([target.lat, target.lng], Math.max(map.getZoom(), FLY_ZOOM), { duration: 0.8 });
    // Only a new request flies; re-renders with the same one do not.
  }, [map, seq]);
  return null;
}
