/**
 * The share page's map: the tiles, and the console's world basemap beneath them once tiles
 * fail (so land and sea show without internet), the van gliding to each new position, and the
 * destination pin. The
 * view fits the van and the destination at first and keeps the van in sight until the viewer
 * drags the map; "Show the van" brings it back.
 */
import 'leaflet/dist/leaflet.css';
import '../../map/map.css';
import { useCallback, useEffect, useRef, useState } from 'react';
import L from 'leaflet';
import type { PublicPosition, ShareDestination } from '../../../../shared/api/shares';
import { MapContext, useLeafletMap as useMapFromContext } from '../../map/map-context';
import { SEA_COLOR } from '../../map/map-style';
import { TileBasemap } from '../../map/TileBasemap';
import { useLeafletMap } from '../../map/use-leaflet-map';
import { WorldBasemap } from '../../map/WorldBasemap';
import { destinationMarker } from './destination-marker';
import { installShareTestHook } from './test-hook';
import { VanMarker } from './van-marker';

export interface ShareMapProps {
  position: PublicPosition | null;
  destination: ShareDestination | null;
  showHeading: boolean;
  vanTitle: string;
}

/** Behind the tiles while they load: neither land nor sea. */
const TILE_WAIT_COLOR = '#e5e3df';
const FIT_PADDING: L.PointExpression = [48, 48];
const MAX_FIT_ZOOM = 16;

export function ShareMap(props: ShareMapProps) {
  const { container, map } = useLeafletMap();
  // The world basemap (~240 kB gzipped) is fetched only once tiles fail: online viewers never need it.
  const [offline, setOffline] = useState(false);
  const onOffline = useCallback((o: boolean) => o && setOffline(true), []);
  return (
    <div className="fleet-map share-map">
      <div ref={container} className="fleet-map-canvas" style={{ background: offline ? SEA_COLOR : TILE_WAIT_COLOR }} data-testid="share-map" />
      {map && (
        <MapContext.Provider value={map}>
          {offline && <WorldBasemap />}
          <TileBasemap url={null} onOffline={onOffline} />
          <ShareOverlays {...props} />
        </MapContext.Provider>
      )}
    </div>
  );
}

function ShareOverlays({ position, destination, showHeading, vanTitle }: ShareMapProps) {
  const map = useMapFromContext();
  const van = useRef<VanMarker | null>(null);
  const dest = useRef<L.Marker | null>(null);
  const fitted = useRef<'none' | 'destination' | 'van'>('none');
  const [follow, setFollow] = useState(true);
  const following = useRef(follow);
  following.current = follow;
  // The marker's hover text is set once: a new name must not recreate the marker.
  const title = useRef(vanTitle);

  useEffect(() => {
    const v = new VanMarker(map, title.current);
    van.current = v;
    const toPair = (ll: L.LatLng | null): [number, number] | null => (ll ? [ll.lat, ll.lng] : null);
    const uninstall = installShareTestHook({ vanLatLng: () => toPair(v.latLng()), destinationLatLng: () => toPair(dest.current?.getLatLng() ?? null), map });
    const onDrag = () => setFollow(false);
    // A turned phone or a resized window: fit again what the viewer follows.
    const onResize = () => {
      if (!following.current) return;
      const points = [v.target(), dest.current?.getLatLng() ?? null].filter((p): p is L.LatLng => p !== null);
      if (points.length > 0) fitAll(map, points);
    };
    map.on('dragstart', onDrag);
    map.on('resize', onResize);
    return () => {
      map.off('dragstart', onDrag);
      map.off('resize', onResize);
      uninstall();
      v.remove();
      van.current = null;
    };
  }, [map]);

  useEffect(() => {
    if (!destination) return;
    const m = destinationMarker(destination.latitude, destination.longitude, destination.label ?? null).addTo(map);
    dest.current = m;
    return () => {
      m.remove();
      dest.current = null;
    };
  }, [map, destination?.latitude, destination?.longitude, destination?.label]);

  useEffect(() => {
    if (position) van.current?.moveTo(position.lat, position.lng, showHeading && position.heading != null ? position.heading : null, Date.parse(position.time));
    if (!follow) return;
    const target = van.current?.target() ?? null;
    const points = [target, dest.current?.getLatLng() ?? null].filter((p): p is L.LatLng => p !== null);
    if (points.length === 0) return;
    // Fit what is known: the destination alone at first, then the van with it once it shows;
    // afterwards only when the van is about to leave the view.
    if (fitted.current === 'none' || (fitted.current === 'destination' && target) || (target && !map.getBounds().pad(-0.15).contains(target))) {
      fitted.current = target ? 'van' : 'destination';
      fitAll(map, points);
    }
  }, [map, position, showHeading, follow, destination]);

  if (follow || !position) return null;
  return (
    <button
      type="button"
      className="share-recenter"
      data-testid="show-van"
      onClick={() => {
        fitted.current = 'none';
        setFollow(true);
      }}
    >
      Show the van
    </button>
  );
}

function fitAll(map: L.Map, points: L.LatLng[]): void {
  if (points.length === 1) map.setView(points[0]!, 15);
  else map.fitBounds(L.latLngBounds(points), { padding: FIT_PADDING, maxZoom: MAX_FIT_ZOOM });
}
