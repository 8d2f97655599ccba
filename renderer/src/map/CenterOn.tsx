/**
 * Brings a point (a device picked in the list, an alert's position, a linked device) into the
 * middle of the part of the map a person can see: a panel or a sheet laid over the map hides
 * its right side or its bottom, so the view is offset by half of what they cover. Each new
 * `seq` centres again; re-renders with the same request do not.
 */
import { useEffect, useRef } from 'react';
import { useLeafletMap } from './map-context';
import { visibleCentre, type MapInsets } from './visible-centre';

export type { MapInsets };

/** Close enough to see the street; past clustering, so the device is a marker of its own. */
export const CENTER_ZOOM = 16;

export interface CenterRequest {
  lat: number;
  lng: number;
  seq: number;
}

export function CenterOn({ target, insets }: { target: CenterRequest | null; insets?: () => MapInsets }) {
  const map = useLeafletMap();
  const latestInsets = useRef(insets);
  useEffect(() => {
    latestInsets.current = insets;
  });
  const seq = target?.seq;
  useEffect(() => {
    if (!target || !Number.isFinite(target.lat) || !Number.isFinite(target.lng)) return;
    // A panel that has just opened may have resized the map: read its size before computing.
    map.invalidateSize({ pan: false });
    const zoom = Math.max(map.getZoom(), CENTER_ZOOM);
    const centre = visibleCentre(map, [target.lat, target.lng], zoom, latestInsets.current?.() ?? { right: 0, bottom: 0 });
    map.flyTo(centre, zoom, { duration: 0.6 });
    // Only a new request centres.
  }, [map, seq]);
  return null;
}
