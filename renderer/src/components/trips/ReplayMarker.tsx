/** The replay marker: where the vehicle was at the scrubber's time, with the time and speed above it. */
import { useEffect, useRef } from 'react';
import L from 'leaflet';
import { formatSpeed } from '../../lib/format';
import { useLeafletMap } from '../../map/map-context';
import type { SpeedUnit } from '../../prefs/units';
import { sampleAt, type TrackSamples } from './replay';
import type { TripDrawn } from './trip-drawn';
import { clock } from './trip-format';

export function ReplayMarker({ samples, time, units, drawn }: { samples: TrackSamples | null; time: number | null; units: SpeedUnit; drawn: TripDrawn }) {
  const map = useLeafletMap();
  const marker = useRef<L.Marker | null>(null);

  useEffect(() => {
    const m = L.marker([0, 0], {
      icon: L.divIcon({ className: 'trip-icon', html: '<span class="trip-replay" data-testid="replay-marker"></span>', iconSize: [18, 18], iconAnchor: [9, 9] }),
      zIndexOffset: 1000,
      keyboard: false,
    }).bindTooltip('', { permanent: true, direction: 'auto', offset: [12, 0], className: 'trip-replay-label' }); // beside it (the side towards the map's centre): the start and end pins stand above their points
    marker.current = m;
    return () => {
      m.remove();
      marker.current = null;
      drawn.replay = null;
    };
  }, [map, drawn]);

  useEffect(() => {
    const m = marker.current;
    if (!m) return;
    const at = samples && time !== null ? sampleAt(samples, time) : null;
    if (!at) {
      m.remove();
      drawn.replay = null;
      return;
    }
    m.setLatLng([at.lat, at.lng]);
    m.setTooltipContent(`${clock(time!, true)} · ${formatSpeed(at.speed, units)}`);
    if (!map.hasLayer(m)) m.addTo(map);
    drawn.replay = m;
  }, [map, samples, time, units, drawn]);

  return null;
}
