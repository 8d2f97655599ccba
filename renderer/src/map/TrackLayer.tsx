/** Today's track of the selected device: one polyline in a neutral colour, with start and end dots. */
import { useEffect, useRef } from 'react';
import L from 'leaflet';
import { useLeafletMap } from './map-context';
import { TRACK_COLOR } from './map-style';

export function TrackLayer({ track }: { track: ReadonlyArray<[number, number]> | null }) {
  const map = useLeafletMap();
  const layers = useRef<{ group: L.LayerGroup; line: L.Polyline; start: L.CircleMarker; end: L.CircleMarker } | null>(null);

  useEffect(() => {
    const line = L.polyline([], { color: TRACK_COLOR, weight: 4, opacity: 0.85, interactive: false, lineJoin: 'round' });
    const dot = { radius: 5, weight: 2, opacity: 1, fillOpacity: 1, interactive: false };
    const start = L.circleMarker([0, 0], { ...dot, color: TRACK_COLOR, fillColor: '#ffffff' });
    const end = L.circleMarker([0, 0], { ...dot, color: '#ffffff', fillColor: TRACK_COLOR });
    layers.current = { group: L.layerGroup([line, start, end]), line, start, end };
    return () => {
      layers.current?.group.remove();
      layers.current = null;
    };
  }, [map]);

  useEffect(() => {
    const l = layers.current;
    if (!l) return;
    const first = track?.[0];
    const last = track?.[track.length - 1];
    if (!track || !first || !last) {
      l.group.remove();
      return;
    }
    l.line.setLatLngs(track as [number, number][]);
    l.start.setLatLng(first);
    l.end.setLatLng(last);
    if (!map.hasLayer(l.group)) l.group.addTo(map);
  }, [map, track]);

  return null;
}
