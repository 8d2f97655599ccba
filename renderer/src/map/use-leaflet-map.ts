import { useEffect, useRef, useState, type RefObject } from 'react';
import L from 'leaflet';

/**
 * Creates a Leaflet map in the returned container once, showing the whole world, keeps it
 * informed of its box's size changes (panels opening, window resizes) and removes it on unmount.
 * The map is null until the container is mounted.
 */
export function useLeafletMap(options: L.MapOptions = {}): { container: RefObject<HTMLDivElement | null>; map: L.Map | null } {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<L.Map | null>(null);
  const initial = useRef(options);

  useEffect(() => {
    const el = container.current!;
    const m = L.map(el, { minZoom: 2, worldCopyJump: true, zoomControl: true, ...initial.current }).setView([20, 0], 2);
    const observer = new ResizeObserver(() => m.invalidateSize({ debounceMoveend: true }));
    observer.observe(el);
    setMap(m);
    return () => {
      observer.disconnect();
      setMap(null);
      m.remove();
    };
  }, []);

  return { container, map };
}
