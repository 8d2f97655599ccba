/**
 * An overlay's own layer group: added to the map from context when the component mounts,
 * removed when it unmounts, and emptied and drawn again by `draw` whenever `deps` change.
 */
import { useEffect, useRef, type DependencyList } from 'react';
import L from 'leaflet';
import { useLeafletMap } from './map-context';

export function useLayerGroup(draw: (group: L.LayerGroup, map: L.Map) => void, deps: DependencyList): void {
  const map = useLeafletMap();
  const group = useRef<L.LayerGroup | null>(null);

  useEffect(() => {
    const g = L.layerGroup().addTo(map);
    group.current = g;
    return () => {
      g.remove();
      group.current = null;
    };
  }, [map]);

  // Declared after the group's effect, so on mount it runs once the group exists.
  useEffect(() => {
    const g = group.current;
    if (!g) return;
    g.clearLayers();
    draw(g, map);
    // `draw` is a new function every render; `deps` say when it draws something else.
  }, [map, ...deps]);
}
