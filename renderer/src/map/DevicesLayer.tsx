/** The live devices: a canvas layer fed by the FleetStore directly; React only passes selection and follow. */
import { useEffect, useRef, useState } from 'react';
import type { FleetStore } from '../store/fleet-store';
import { DeviceCanvasLayer } from './device-canvas-layer';
import type { DeviceFilter } from './device-clusters';
import type { SpeedUnit } from './device-tooltip';
import { useLeafletMap } from './map-context';
import { installTestHook } from './test-hook';
import type { MapInsets } from './visible-centre';

export interface DevicesLayerProps {
  store: FleetStore;
  selectedId: string | null;
  onSelect(id: string | null): void;
  /** a right-click on a device's marker, at this point of the map's container */
  onMenu?(id: string, at: { x: number; y: number }): void;
  follow: boolean;
  speedUnit: SpeedUnit;
  /** only these devices are drawn (the list's search and state filter); null: all */
  shown?: DeviceFilter | null;
  /** what a panel or sheet over the map hides (following keeps the device in the rest) */
  insets?: () => MapInsets;
}

export function DevicesLayer({ store, selectedId, onSelect, onMenu, follow, speedUnit, shown = null, insets }: DevicesLayerProps) {
  const map = useLeafletMap();
  const [layer, setLayer] = useState<DeviceCanvasLayer | null>(null);
  // The layer lives as long as the map; callbacks read the latest props through a ref.
  const latest = useRef({ onSelect, onMenu, speedUnit, insets });
  useEffect(() => {
    latest.current = { onSelect, onMenu, speedUnit, insets };
  }, [onSelect, onMenu, speedUnit, insets]);

  useEffect(() => {
    const l = new DeviceCanvasLayer({
      onSelect: (id) => latest.current.onSelect(id),
      onMenu: (id, at) => latest.current.onMenu?.(id, { x: at.x, y: at.y }),
      speedUnit: () => latest.current.speedUnit,
      insets: () => latest.current.insets?.() ?? { right: 0, bottom: 0 },
    });
    l.addTo(map);
    const uninstall = installTestHook(map, l);
    setLayer(l);
    return () => {
      uninstall();
      l.setStore(null);
      l.remove();
      setLayer(null);
    };
  }, [map]);

  useEffect(() => {
    if (!layer) return;
    layer.setStore(store);
    return () => layer.setStore(null);
  }, [layer, store]);

  useEffect(() => {
    layer?.setSelected(selectedId);
  }, [layer, selectedId]);

  useEffect(() => {
    layer?.setFollow(follow);
  }, [layer, follow]);

  useEffect(() => {
    layer?.setFilter(shown);
  }, [layer, shown]);

  return null;
}
