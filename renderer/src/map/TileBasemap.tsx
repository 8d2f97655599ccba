/**
 * The tile layer (OpenStreetMap unless a tile URL is configured). When tiles fail and none has
 * loaded, a small note says the map is the offline one, so a dispatcher is not left wondering
 * why streets are missing.
 */
import { useEffect, useRef } from 'react';
import L from 'leaflet';
import { DEFAULT_TILE_URL } from '../../../shared/tiles';
import { useLeafletMap } from './map-context';
import { OSM_ATTRIBUTION } from './map-style';

class OfflineNote extends L.Control {
  override onAdd(): HTMLElement {
    const el = L.DomUtil.create('div', 'fleet-offline-note');
    el.textContent = 'Offline map';
    el.title = 'Map tiles could not be loaded; showing the built-in world map';
    el.setAttribute('data-testid', 'offline-map-note');
    return el;
  }
}

export function TileBasemap({ url, onOffline }: { url: string | null; /** told when the offline state changes */ onOffline?: (offline: boolean) => void }) {
  const map = useLeafletMap();
  const told = useRef(onOffline);
  useEffect(() => {
    told.current = onOffline;
  });
  useEffect(() => {
    const tiles = L.tileLayer(url || DEFAULT_TILE_URL, { attribution: OSM_ATTRIBUTION, maxZoom: 19, crossOrigin: false });
    const note = new OfflineNote({ position: 'bottomleft' });
    let errors = 0;
    let loads = 0;
    let shown = false;
    const update = () => {
      const offline = errors > 0 && loads === 0;
      if (offline !== shown) {
        shown = offline;
        if (offline) note.addTo(map);
        else note.remove();
        told.current?.(offline);
      }
    };
    tiles.on('tileerror', () => {
      errors++;
      update();
    });
    tiles.on('tileload', () => {
      loads++;
      update();
    });
    tiles.addTo(map);
    return () => {
      tiles.remove();
      if (shown) note.remove();
    };
  }, [map, url]);
  return null;
}
