/**
 * The selected trip on a map of its own: the offline world basemap under the tiles, the route
 * coloured by speed (one SVG path per run of equal colour), start and end markers, stops,
 * driving events with their values, and the replay marker, each an overlay that renders nothing
 * (as the live map's layers). `window.__fleetdeskTrip` (trip-drawn.ts) lets tests ask what was drawn.
 */
import { useEffect, useMemo } from 'react';
import 'leaflet/dist/leaflet.css';
import '../../map/map.css';
import type { RichTrack } from '../../../../shared/api/trips';
import { MapContext } from '../../map/map-context';
import { SEA_COLOR } from '../../map/map-style';
import { TileBasemap } from '../../map/TileBasemap';
import { WorldBasemap } from '../../map/WorldBasemap';
import { useLeafletMap } from '../../map/use-leaflet-map';
import type { SpeedUnit } from '../../prefs/units';
import type { TrackSamples } from './replay';
import { ReplayMarker } from './ReplayMarker';
import { installTripHook, nothingDrawn } from './trip-drawn';
import { LIVE_TRIP_ID } from './live-track';
import { TripEnds, TripEvents, TripStops } from './TripMarkers';
import { TripRoute } from './TripRoute';

export function TripMap(props: { track: RichTrack | null; samples: TrackSamples | null; time: number | null; tileUrl: string | null; units: SpeedUnit }) {
  const { container, map } = useLeafletMap();
  const drawn = useMemo(nothingDrawn, []);
  useEffect(() => (map ? installTripHook(map, drawn) : undefined), [map, drawn]);
  // A trip without samples draws nothing but the map.
  const shown = props.track && props.samples && props.samples.t.length > 0 ? { track: props.track, samples: props.samples } : null;

  return (
    <div className="fleet-map trip-map">
      <div ref={container} className="fleet-map-canvas" style={{ background: SEA_COLOR }} data-testid="trip-map" />
      {map && (
        <MapContext.Provider value={map}>
          <WorldBasemap />
          <TileBasemap url={props.tileUrl} />
          <TripRoute samples={shown?.samples ?? null} drawn={drawn} />
          <TripStops stops={shown?.track.stops ?? null} drawn={drawn} />
          <TripEnds samples={shown?.samples ?? null} live={shown?.track.id === LIVE_TRIP_ID} />
          <TripEvents events={shown?.track.events ?? null} units={props.units} drawn={drawn} />
          <ReplayMarker samples={props.samples} time={props.time} units={props.units} drawn={drawn} />
        </MapContext.Provider>
      )}
    </div>
  );
}
