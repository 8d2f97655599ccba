/** Fits the map to the fleet once, as soon as some device has a position. */
import { useEffect } from 'react';
import L from 'leaflet';
import type { FleetStore } from '../store/fleet-store';
import { useLeafletMap } from './map-context';

const FIT_MAX_ZOOM = 15;

export function FitFleet({ store }: { store: FleetStore }) {
  const map = useLeafletMap();
  useEffect(() => {
    let done = false;
    const tryFit = () => {
      if (done) return;
      const bounds = L.latLngBounds([]);
      for (const d of store.all()) if (d.position) bounds.extend([d.position.lat, d.position.lng]);
      if (!bounds.isValid()) return;
      done = true;
      map.fitBounds(bounds, { padding: [40, 40], maxZoom: FIT_MAX_ZOOM, animate: false });
    };
    const unsubscribe = store.subscribe(() => {
      tryFit();
      if (done) unsubscribe();
    });
    tryFit();
    if (done) unsubscribe();
    return unsubscribe;
  }, [map, store]);
  return null;
}
