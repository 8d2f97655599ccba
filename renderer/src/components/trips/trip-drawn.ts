/**
 * What the trip map's overlays drew, for `window.__fleetdeskTrip`: the end-to-end tests ask it
 * instead of guessing from SVG paths and marker icons.
 */
import type L from 'leaflet';

export interface TripDrawn {
  /** the route's runs: colour and number of points each */
  runs: { color: string; points: number }[];
  events: { kind: string; lat: number; lng: number }[];
  stops: number;
  replay: L.Marker | null;
}

export interface TripMapTestHook {
  map: L.Map;
  routeRuns(): { color: string; points: number }[];
  /** driving event markers drawn */
  eventMarkers(): { kind: string; lat: number; lng: number }[];
  stopMarkers(): number;
  /** where the replay marker is, or null */
  replayLatLng(): [number, number] | null;
}

declare global {
  interface Window {
    __fleetdeskTrip?: TripMapTestHook;
  }
}

export const nothingDrawn = (): TripDrawn => ({ runs: [], events: [], stops: 0, replay: null });

/** Installs the hook for this map; the returned function removes it. */
export function installTripHook(map: L.Map, drawn: TripDrawn): () => void {
  const hook: TripMapTestHook = {
    map,
    routeRuns: () => drawn.runs.slice(),
    eventMarkers: () => drawn.events.slice(),
    stopMarkers: () => drawn.stops,
    replayLatLng: () => {
      const ll = drawn.replay?.getLatLng();
      return ll ? [ll.lat, ll.lng] : null;
    },
  };
  window.__fleetdeskTrip = hook;
  return () => {
    if (window.__fleetdeskTrip === hook) delete window.__fleetdeskTrip;
  };
}
