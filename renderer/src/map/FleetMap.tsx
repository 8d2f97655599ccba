/**
 * The live fleet map: creates the Leaflet map and hands it to its layers through context. Each
 * layer is a component that renders nothing and manages its own Leaflet layer. Live positions
 * reach the devices layer straight from the store, without re-rendering React.
 */
import 'leaflet/dist/leaflet.css';
import './map.css';
import type { FleetStore } from '../store/fleet-store';
import { DevicesLayer } from './DevicesLayer';
import type { SpeedUnit } from './device-tooltip';
import { FitFleet } from './FitFleet';
import { CenterOn, type CenterRequest, type MapInsets } from './CenterOn';
import type { DeviceFilter } from './device-clusters';
import { MapContext } from './map-context';
import { MapPickLayer } from './MapPickLayer';
import { SEA_COLOR } from './map-style';
import { TileBasemap } from './TileBasemap';
import { TrackLayer } from './TrackLayer';
import { WorldBasemap } from './WorldBasemap';
import { useLeafletMap } from './use-leaflet-map';

export interface FleetMapProps {
  store: FleetStore;
  selectedId: string | null;
  onSelect(id: string | null): void;
  /** a right-click on a device's marker, at this point of the map */
  onDeviceMenu?(id: string, at: { x: number; y: number }): void;
  /** keep the selected device centred as it moves */
  follow: boolean;
  /** today's track of the selected device, [lat, lng] pairs, oldest first */
  track: ReadonlyArray<[number, number]> | null;
  /** tile URL template; null: OpenStreetMap */
  tileUrl: string | null;
  /** speed unit of the hover card (default km/h) */
  speedUnit?: SpeedUnit;
  /** bring this point into the middle of the visible map (a picked device, an alert); a new `seq` centres again */
  centerOn?: CenterRequest | null;
  /** how much of the map a panel or sheet laid over it hides, read when centring */
  visibleInsets?: () => MapInsets;
  /** only these devices are drawn (the list's search and state filter); null: all */
  shown?: DeviceFilter | null;
  className?: string;
}

export function FleetMap({ store, selectedId, onSelect, onDeviceMenu, follow, track, tileUrl, speedUnit = 'kmh', centerOn = null, visibleInsets, shown = null, className }: FleetMapProps) {
  const { container, map } = useLeafletMap({ preferCanvas: true });

  return (
    <div className={`fleet-map ${className ?? ''}`}>
      <div ref={container} className="fleet-map-canvas" style={{ background: SEA_COLOR }} data-testid="fleet-map" />
      {map && (
        <MapContext.Provider value={map}>
          <WorldBasemap />
          <TileBasemap url={tileUrl} />
          <TrackLayer track={track} />
          <DevicesLayer store={store} selectedId={selectedId} onSelect={onSelect} onMenu={onDeviceMenu} follow={follow} speedUnit={speedUnit} shown={shown} insets={visibleInsets} />
          <FitFleet store={store} />
          <CenterOn target={centerOn} insets={visibleInsets} />
          <MapPickLayer />
        </MapContext.Provider>
      )}
    </div>
  );
}
