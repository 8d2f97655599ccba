/**
 * Natural Earth land, coastlines and borders on a canvas beneath the tiles, so the map is a
 * map even when no tile can load (offline, closed networks). The sea is the map's background
 * colour (FleetMap.tsx). A chunk that failed to load (the connection dropped meanwhile) is
 * tried again after 2 s, 4 s … up to a minute, and at once when the browser is back online.
 */
import { useEffect } from 'react';
import { useLeafletMap } from './map-context';
import { WorldCanvasLayer } from './world-canvas-layer';
import { loadWorldGeometry } from './world-geometry';

const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 60_000;

export function WorldBasemap() {
  const map = useLeafletMap();
  useEffect(() => {
    let layer: WorldCanvasLayer | null = null;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wait = RETRY_MIN_MS;
    const load = () => {
      clearTimeout(timer);
      timer = undefined;
      loadWorldGeometry().then(
        (world) => {
          if (cancelled || layer) return;
          layer = new WorldCanvasLayer(world).addTo(map);
          window.removeEventListener('online', load);
        },
        (err: unknown) => {
          if (cancelled) return;
          console.warn(`world basemap not loaded; trying again in ${wait / 1000} s:`, err);
          timer = setTimeout(load, wait);
          wait = Math.min(wait * 2, RETRY_MAX_MS);
        },
      );
    };
    window.addEventListener('online', load);
    load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
      window.removeEventListener('online', load);
      layer?.remove();
    };
  }, [map]);
  return null;
}
