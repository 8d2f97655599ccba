/** Answers a `mapPick` request with the next click on the map; a crosshair cursor meanwhile. */
import { useEffect, useSyncExternalStore } from 'react';
import type L from 'leaflet';
import { useLeafletMap } from './map-context';
import { mapPick } from './map-pick';

export function MapPickLayer() {
  const map = useLeafletMap();
  const active = useSyncExternalStore(mapPick.subscribe, mapPick.active);
  useEffect(() => {
    if (!active) return;
    const el = map.getContainer();
    el.classList.add('picking');
    const onClick = (e: L.LeafletMouseEvent) => mapPick.answer({ lat: e.latlng.lat, lng: e.latlng.wrap().lng });
    map.on('click', onClick);
    return () => {
      el.classList.remove('picking');
      map.off('click', onClick);
    };
  }, [map, active]);
  return null;
}
