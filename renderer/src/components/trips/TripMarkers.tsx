/** The trip's markers, each kind an overlay of its own: start and end, stops, driving events. */
import L from 'leaflet';
import type { RichTrack } from '../../../../shared/api/trips';
import { useLayerGroup } from '../../map/use-layer-group';
import type { SpeedUnit } from '../../prefs/units';
import type { TrackSamples } from './replay';
import type { TripDrawn } from './trip-drawn';
import { clock, describeEvent, EVENT_COLOR, EVENT_GLYPH, formatDuration, TRIP_END_GLYPH } from './trip-format';

function glyphIcon(cls: string, text: string, color: string, extra = ''): L.DivIcon {
  return L.divIcon({
    className: 'trip-icon',
    html: `<span class="${cls}" style="background:${color}" ${extra}>${text}</span>`,
    iconSize: [20, 20],
    iconAnchor: [10, 10],
  });
}

/**
 * Start and end as pins standing above their point (the point is the pin's tip), drawn over the
 * replay marker: at the start of a replay the two share a point and both stay visible.
 */
function pinIcon(cls: string, text: string, label: string, testid: string): L.DivIcon {
  return L.divIcon({
    className: 'trip-icon trip-pin-icon',
    html: `<span class="trip-pin ${cls}" title="${label}" aria-label="${label}" data-testid="${testid}">${text}</span>`,
    iconSize: [24, 32],
    iconAnchor: [12, 32],
  });
}

export function TripEnds({ samples, live = false }: { samples: TrackSamples | null; live?: boolean }) {
  useLayerGroup(
    (g) => {
      if (!samples) return;
      const n = samples.t.length - 1;
      L.marker([samples.lat[0]!, samples.lng[0]!], { icon: pinIcon('trip-start', TRIP_END_GLYPH.start, 'Start', 'trip-start'), keyboard: false, zIndexOffset: 1500 })
        .bindTooltip(`Start ${clock(samples.t[0]!)}`, { offset: [0, -24] })
        .addTo(g);
      if (live) return; // the replay marker stands at the newest fix
      L.marker([samples.lat[n]!, samples.lng[n]!], { icon: pinIcon('trip-finish', TRIP_END_GLYPH.end, 'End', 'trip-finish'), keyboard: false, zIndexOffset: 1500 })
        .bindTooltip(`End ${clock(samples.t[n]!)}`, { offset: [0, -24] })
        .addTo(g);
    },
    [samples, live],
  );
  return null;
}

export function TripStops({ stops, drawn }: { stops: RichTrack['stops'] | null; drawn: TripDrawn }) {
  useLayerGroup(
    (g) => {
      drawn.stops = 0;
      for (const s of stops ?? []) {
        L.circleMarker([s.lat, s.lng], { radius: 7, color: '#1d232b', weight: 2, fillColor: '#ffd54f', fillOpacity: 1, className: 'trip-stop' })
          .bindTooltip(`Stop ${clock(s.start)}–${clock(s.end)} (${formatDuration(s.duration_s)})`)
          .addTo(g);
        drawn.stops++;
      }
    },
    [stops, drawn],
  );
  return null;
}

export function TripEvents({ events, units, drawn }: { events: RichTrack['events'] | null; units: SpeedUnit; drawn: TripDrawn }) {
  useLayerGroup(
    (g) => {
      drawn.events = [];
      for (const e of events ?? []) {
        L.marker([e.lat, e.lng], {
          icon: glyphIcon(`trip-event trip-event-${e.kind}`, EVENT_GLYPH[e.kind], EVENT_COLOR[e.kind], `data-testid="trip-event" data-kind="${e.kind}"`),
          zIndexOffset: 500,
        })
          .bindTooltip(describeEvent(e, units))
          .addTo(g);
        drawn.events.push({ kind: e.kind, lat: e.lat, lng: e.lng });
      }
    },
    [events, units, drawn],
  );
  return null;
}
