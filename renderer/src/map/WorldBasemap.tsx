/**
 * Natural Earth land, coastlines and borders on a canvas beneath the tiles, so the map is a
 * map even when no tile can load (offline, closed networks). The sea is the map's background
 * colour (FleetMap.tsx).
 */
import { useEffect } from 'react';
import { useLeafletMap } from './map-context';
import { WorldCanvasLayer } from './world-canvas-layer';
import { loadWorldGeometry } from './world-geometry';

export function WorldBasemap() {
  const map = useLeafletMap();
  useEffect(() => {
    let layer: WorldCanvasLayer | null = null;
    let cancelled = false;
    loadWorldGeometry().then(
      (world) => {
        if (!cancelled) layer = new WorldCanvasLayer(world).addTo(map);
      },
      (err: unknown) => console.error('world basemap could not be loaded', err),
    );
    return () => {
      cancelled = true;
      layer?.remove();
    };
  }, [map]);
  return null;
}
