/**
 * `window.__fleetdeskShare`, present while the share map is mounted: lets end-to-end tests ask
 * where the van and the destination are drawn.
 */
import type L from 'leaflet';

export interface ShareMapTestHook {
  /** where the van's marker is drawn now, or null when none is */
  vanLatLng(): [number, number] | null;
  destinationLatLng(): [number, number] | null;
  map: L.Map;
}

declare global {
  interface Window {
    __fleetdeskShare?: ShareMapTestHook;
  }
}

export function installShareTestHook(hook: ShareMapTestHook): () => void {
  window.__fleetdeskShare = hook;
  return () => {
    if (window.__fleetdeskShare === hook) delete window.__fleetdeskShare;
  };
}
