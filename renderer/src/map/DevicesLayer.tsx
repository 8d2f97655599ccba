/** The live devices: a canvas layer fed by the FleetStore directly; React only passes selection and follow. */
import { useEffect, useRef, useState } from 'react';
import type { FleetStore } from '../store/fleet-store';
import { DeviceCanvasLayer } from './device-canvas-layer';
import type { SpeedUnit } from './device-tooltip';
import { useLeafletMap } from './map-context';
import { installTestHook } from './test-hook';

export interface DevicesLayerProps {
  store: FleetStore;
  selectedId: string | null;
  onSelect(id: string | null): void;
  follow: boolean;
  speedUnit: SpeedUnit;
}

export function DevicesLayer({ store, selectedId, onSelect, follow, speedUnit }: DevicesLayerProps) {
  const map = useLeafletMap();
  const [layer, setLayer] = useState<DeviceCanvasLayer | null>(null);
  // The layer lives as long as the map; callbacks read the latest props through a ref.
  const latest = useRef({ onSelect, speedUnit });
  useEffect(() => {
    latest.current = { onSelect, speedUnit };
  }, [onSelect, speedUnit]);

  useEffect(() => {
    const l = new DeviceCanvasLayer({
      onSelect: (id) => latest.current.onSelect(id),
      speedUnit: () => latest.current.speedUnit,
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

  return null;
}
