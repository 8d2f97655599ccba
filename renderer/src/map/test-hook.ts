/**
 * `window.__fleetdeskMap`, present while a map is mounted: lets end-to-end tests and the UI
 * benchmark ask what the canvas drew, which they cannot see in the DOM.
 */
import type L from 'leaflet';
import type { DeviceCanvasLayer } from './device-canvas-layer';

export interface FleetMapTestHook {
  /** where the device's marker was last drawn (also when it is inside a cluster), or null */
  markerLatLng(id: string): [number, number] | null;
  /** devices drawn in view, those inside cluster bubbles included */
  markerCount(): number;
  /** cluster bubbles drawn in view */
  clusterCount(): number;
  /** symbols drawn in view: single markers plus cluster bubbles */
  symbolCount(): number;
  /** how long the last canvas draw took, ms */
  drawMs(): number;
  map: L.Map;
}

declare global {
  interface Window {
    __fleetdeskMap?: FleetMapTestHook;
  }
}

export function installTestHook(map: L.Map, layer: DeviceCanvasLayer): () => void {
  const hook: FleetMapTestHook = {
    markerLatLng: (id) => layer.markerLatLng(id),
    markerCount: () => layer.stats.markers,
    clusterCount: () => layer.stats.clusters,
    symbolCount: () => layer.stats.symbols,
    drawMs: () => layer.stats.drawMs,
    map,
  };
  window.__fleetdeskMap = hook;
  return () => {
    if (window.__fleetdeskMap === hook) delete window.__fleetdeskMap;
  };
}
