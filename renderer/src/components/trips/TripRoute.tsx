/**
 * The trip's route coloured by speed: one SVG path per run of segments in the same speed band
 * (a segment takes the mean of its two ends' speeds). A new route brings the view to it.
 */
import { useEffect, useRef } from 'react';
import L from 'leaflet';
import { useLeafletMap } from '../../map/map-context';
import { useLayerGroup } from '../../map/use-layer-group';
import type { TrackSamples } from './replay';
import { speedBand, SPEED_BANDS } from './speed-scale';
import type { TripDrawn } from './trip-drawn';

const FIT: L.FitBoundsOptions = { padding: [40, 40], maxZoom: 17, animate: false };

export function TripRoute({ samples, drawn }: { samples: TrackSamples | null; drawn: TripDrawn }) {
  const map = useLeafletMap();
  const fitted = useRef<number | null>(null);
  const route = useRef<L.LatLngBounds | null>(null);
  useLayerGroup(
    (g, map) => {
      drawn.runs = [];
      if (!samples) return;
      let run: [number, number][] = [[samples.lat[0]!, samples.lng[0]!]];
      let band = -1;
      const flush = () => {
        if (run.length < 2 || band < 0) return;
        const color = SPEED_BANDS[band]!.color;
        L.polyline(run, { color, weight: 5, opacity: 0.95, lineJoin: 'round', lineCap: 'round', className: 'trip-route', interactive: false }).addTo(g);
        drawn.runs.push({ color, points: run.length });
      };
      for (let i = 1; i < samples.t.length; i++) {
        const b = speedBand((samples.speed[i - 1]! + samples.speed[i]!) / 2);
        if (b !== band && band >= 0) {
          flush();
          run = [run[run.length - 1]!];
        }
        band = b;
        run.push([samples.lat[i]!, samples.lng[i]!]);
      }
      flush();
      // A new trip brings the view to it; a trip in progress that grew keeps the dispatcher's view while its newest point is in it.
      const n = samples.t.length - 1;
      const sameTrip = fitted.current === samples.t[0];
      if (sameTrip && map.getBounds().contains([samples.lat[n]!, samples.lng[n]!])) return;
      fitted.current = samples.t[0]!;
      const bounds = L.latLngBounds(samples.lat.map((lat, i) => [lat, samples.lng[i]!] as [number, number]));
      route.current = bounds;
      map.fitBounds(bounds, FIT);
    },
    [samples, drawn],
  );
  // The map's box changes size when the replay and chart appear below it (or the window
  // changes): the route is fitted again, else its ends fall outside the smaller map.
  useEffect(() => {
    const refit = () => route.current && map.fitBounds(route.current, FIT);
    map.on('resize', refit);
    return () => {
      map.off('resize', refit);
    };
  }, [map]);
  return null;
}
