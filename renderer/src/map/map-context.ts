/** The Leaflet map, handed to the overlay components (which render nothing themselves). */
import { createContext, useContext } from 'react';
import type L from 'leaflet';

export const MapContext = createContext<L.Map | null>(null);

export function useLeafletMap(): L.Map {
  const map = useContext(MapContext);
  if (!map) throw new Error('map layers must be rendered inside <FleetMap>');
  return map;
}
