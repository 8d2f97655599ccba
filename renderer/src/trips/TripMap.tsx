/**
 * The selected trip on a map of its own: the offline world basemap under the tiles, the route
 * coloured by speed (one SVG path per run of equal colour), start and end markers, stops,
 * driving events with their values, and the replay marker. `window.__fleetdeskTrip` lets tests
 * ask what was drawn.
 */
import { useEffect, useRef } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import '../map/map.css';
import type { RichTrack } from '../../../shared/api/trips';
import { MapContext } from '../map/map-context';
import { SEA_COLOR } from '../map/map-style';
import { TileBasemap } from '../map/TileBasemap';
import { WorldBasemap } from '../map/WorldBasemap';
import { useLeafletMap } from '../map/use-leaflet-map';
import { formatSpeed } from '../lib/format';
import type { SpeedUnit } from '../prefs/units';
import { sampleAt, type TrackSamples } from './replay';
import { speedBand, SPEED_BANDS } from './speed-scale';
import { clock, describeEvent, EVENT_COLOR, EVENT_GLYPH, formatDuration } from './trip-format';

export interface TripMapTestHook {
  map: L.Map;
  /** the route's drawn runs: colour and number of points each */
  routeRuns(): { color: string; points: number }[];
  /** driving event markers drawn */
  eventMarkers(): { kind: string; lat: number; lng: number }[];
  stopMarkers(): number;
  /** where the replay marker is, or null */
  replayLatLng(): [number, number] | null;
}

declare global {
  interface Window {
    __fleetdeskTrip?: TripMapTestHook;
  }
}

export function TripMap(props: { track: RichTrack | null; samples: TrackSamples | null; time: number | null; tileUrl: string | null; units: SpeedUnit }) {
  const { container, map } = useLeafletMap();

  return (
    <div className="fleet-map trip-map">
      <div ref={container} className="fleet-map-canvas" style={{ background: SEA_COLOR }} data-testid="trip-map" />
      {map && (
        <MapContext.Provider value={map}>
          <WorldBasemap />
          <TileBasemap url={props.tileUrl} />
          <RouteLayers map={map} track={props.track} samples={props.samples} time={props.time} units={props.units} />
        </MapContext.Provider>
      )}
    </div>
  );
}

function glyphIcon(cls: string, text: string, color: string, extra = ''): L.DivIcon {
  return L.divIcon({
    className: 'trip-icon',
    html: `<span class="${cls}" style="background:${color}" ${extra}>${text}</span>`,
    iconSize: [20, 20],
    iconAnchor: [10, 10],
  });
}

function RouteLayers({ map, track, samples, time, units }: { map: L.Map; track: RichTrack | null; samples: TrackSamples | null; time: number | null; units: SpeedUnit }) {
  const runs = useRef<{ color: string; points: number }[]>([]);
  const events = useRef<{ kind: string; lat: number; lng: number }[]>([]);
  const stops = useRef(0);
  const replay = useRef<L.Marker | null>(null);

  // The route, markers and stops: rebuilt when the trip changes.
  useEffect(() => {
    const group = L.layerGroup().addTo(map);
    runs.current = [];
    events.current = [];
    stops.current = 0;
    if (track && samples && samples.t.length > 0) {
      // Runs of consecutive segments in the same speed band become one path (a segment takes the
      // mean of its two ends' speeds).
      let run: [number, number][] = [[samples.lat[0]!, samples.lng[0]!]];
      let band = -1;
      const flush = () => {
        if (run.length < 2 || band < 0) return;
        const color = SPEED_BANDS[band]!.color;
        L.polyline(run, { color, weight: 5, opacity: 0.95, lineJoin: 'round', lineCap: 'round', className: 'trip-route', interactive: false }).addTo(group);
        runs.current.push({ color, points: run.length });
      };
      for (let i = 1; i < samples.t.length; i++) {
        const b = speedBand((samples.speed[i - 1]! + samples.speed[i]!) / 2);
        const p: [number, number] = [samples.lat[i]!, samples.lng[i]!];
        if (b !== band && band >= 0) {
          flush();
          run = [run[run.length - 1]!];
        }
        band = b;
        run.push(p);
      }
      flush();

      for (const s of track.stops) {
        L.circleMarker([s.lat, s.lng], { radius: 7, color: '#1d232b', weight: 2, fillColor: '#ffd54f', fillOpacity: 1, className: 'trip-stop' })
          .bindTooltip(`Stop ${clock(s.start)}–${clock(s.end)} (${formatDuration(s.duration_s)})`)
          .addTo(group);
        stops.current++;
      }
      const n = samples.t.length - 1;
      L.marker([samples.lat[0]!, samples.lng[0]!], { icon: glyphIcon('trip-end-marker trip-start', 'S', '#16a34a', 'data-testid="trip-start"'), keyboard: false })
        .bindTooltip(`Start ${clock(samples.t[0]!)}`)
        .addTo(group);
      L.marker([samples.lat[n]!, samples.lng[n]!], { icon: glyphIcon('trip-end-marker trip-finish', 'E', '#1d232b', 'data-testid="trip-finish"'), keyboard: false })
        .bindTooltip(`End ${clock(samples.t[n]!)}`)
        .addTo(group);
      for (const e of track.events) {
        L.marker([e.lat, e.lng], {
          icon: glyphIcon(`trip-event trip-event-${e.kind}`, EVENT_GLYPH[e.kind], EVENT_COLOR[e.kind], `data-testid="trip-event" data-kind="${e.kind}"`),
          zIndexOffset: 500,
        })
          .bindTooltip(describeEvent(e, units))
          .addTo(group);
        events.current.push({ kind: e.kind, lat: e.lat, lng: e.lng });
      }
      const bounds = L.latLngBounds(samples.lat.map((lat, i) => [lat, samples.lng[i]!] as [number, number]));
      map.fitBounds(bounds, { padding: [40, 40], maxZoom: 17, animate: false });
    }
    return () => {
      group.remove();
    };
  }, [map, track, samples, units]);

  // The replay marker follows the scrubber.
  useEffect(() => {
    const at = samples && time !== null ? sampleAt(samples, time) : null;
    if (!at) {
      replay.current?.remove();
      replay.current = null;
      return;
    }
    const label = `${clock(time!, true)} · ${formatSpeed(at.speed, units)}`;
    if (!replay.current) {
      replay.current = L.marker([at.lat, at.lng], {
        icon: L.divIcon({ className: 'trip-icon', html: '<span class="trip-replay" data-testid="replay-marker"></span>', iconSize: [18, 18], iconAnchor: [9, 9] }),
        zIndexOffset: 1000,
        keyboard: false,
      })
        .bindTooltip(label, { permanent: true, direction: 'top', offset: [0, -10], className: 'trip-replay-label' })
        .addTo(map);
    } else {
      replay.current.setLatLng([at.lat, at.lng]);
      replay.current.setTooltipContent(label);
    }
  }, [map, samples, time, units]);

  useEffect(
    () => () => {
      replay.current?.remove();
      replay.current = null;
    },
    [map],
  );

  useEffect(() => {
    const hook: TripMapTestHook = {
      map,
      routeRuns: () => runs.current.slice(),
      eventMarkers: () => events.current.slice(),
      stopMarkers: () => stops.current,
      replayLatLng: () => {
        const ll = replay.current?.getLatLng();
        return ll ? [ll.lat, ll.lng] : null;
      },
    };
    window.__fleetdeskTrip = hook;
    return () => {
      if (window.__fleetdeskTrip === hook) delete window.__fleetdeskTrip;
    };
  }, [map]);

  return null;
}
