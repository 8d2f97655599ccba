/**
 * Where an alert happened: a small, still map with a pin, on the offline world basemap only (no
 * tiles: it must show without internet, and a row needs the region, not the street). The map is
 * made only once the row scrolls near the view, so a long history does not build a hundred maps.
 * Clicking it does what "Show on map" does.
 */
import 'leaflet/dist/leaflet.css';
import '../../map/map.css';
import { useEffect, useRef, useState } from 'react';
import L from 'leaflet';
import { MapContext, useLeafletMap as useMapFromContext } from '../../map/map-context';
import { SEA_COLOR } from '../../map/map-style';
import { useLeafletMap } from '../../map/use-leaflet-map';
import { WorldBasemap } from '../../map/WorldBasemap';

/** Close enough to see the region and its borders on the world basemap. */
const ZOOM = 5;

const STILL: L.MapOptions = {
  zoomControl: false,
  attributionControl: false,
  dragging: false,
  scrollWheelZoom: false,
  doubleClickZoom: false,
  touchZoom: false,
  boxZoom: false,
  keyboard: false,
  worldCopyJump: false,
};

export function AlertMiniMap(props: { lat: number; lng: number; title: string; onOpen(): void }) {
  const box = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el || near) return;
    const seen = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), { rootMargin: '200px' });
    seen.observe(el);
    return () => seen.disconnect();
  }, [near]);
  return (
    <div ref={box} className="alert-minimap" data-testid="alert-minimap">
      {near && <PinMap {...props} />}
    </div>
  );
}

function PinMap({ lat, lng, title, onOpen }: { lat: number; lng: number; title: string; onOpen(): void }) {
  const { container, map } = useLeafletMap(STILL);
  return (
    <div className="fleet-map alert-minimap-map">
      <div
        ref={container}
        className="fleet-map-canvas"
        style={{ background: SEA_COLOR }}
        role="button"
        tabIndex={0}
        aria-label={`${title}: show on the map`}
        title="Show on the map"
        onClick={onOpen}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onOpen()}
      />
      {map && (
        <MapContext.Provider value={map}>
          <WorldBasemap />
          <AlertPin lat={lat} lng={lng} title={title} />
        </MapContext.Provider>
      )}
    </div>
  );
}

/** The pin, centred; its element carries where it stands (data-lat, data-lng) for tests. */
function AlertPin({ lat, lng, title }: { lat: number; lng: number; title: string }) {
  const map = useMapFromContext();
  useEffect(() => {
    map.setView([lat, lng], ZOOM, { animate: false });
    const icon = L.divIcon({
      className: 'alert-pin',
      iconSize: [26, 34],
      iconAnchor: [13, 33],
      html:
        `<svg viewBox="0 0 30 40" width="26" height="34" data-testid="alert-pin" data-lat="${lat}" data-lng="${lng}" aria-hidden="true">` +
        '<path d="M15 1C7.3 1 1 7.2 1 14.8 1 25 15 39 15 39s14-14 14-24.2C29 7.2 22.7 1 15 1z"/>' +
        '<circle cx="15" cy="14.5" r="5.5"/></svg>',
    });
    const marker = L.marker([lat, lng], { icon, keyboard: false, interactive: false, title }).addTo(map);
    return () => {
      marker.remove();
    };
  }, [map, lat, lng, title]);
  return null;
}
