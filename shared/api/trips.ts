/**
 * Trips, driving events, raw and processed tracks and their exports, declared once (REST +
 * OpenAPI + console). All values SI (metres, seconds, m/s); times ISO-8601.
 */
import Type, { type Static } from 'typebox';

import { IsoTime, Nullable } from './schema-helpers';

// ---- trip detection settings (per company) ----

export const TripSettings = Type.Object(
  {
    stop_radius_m: Type.Number({ minimum: 20, maximum: 2000, description: 'a stop: the device stays within this radius…' }),
    stop_duration_s: Type.Number({ minimum: 30, maximum: 7200, description: '…for at least this long; a trip ends there' }),
    gap_split_s: Type.Number({ minimum: 60, maximum: 86400, description: 'no data for this long splits a trip' }),
    min_distance_m: Type.Number({ minimum: 0, maximum: 100000, description: 'shorter trips are removed' }),
    min_duration_s: Type.Number({ minimum: 0, maximum: 86400, description: 'shorter trips are removed' }),
    min_fixes: Type.Integer({ minimum: 2, maximum: 1000, description: 'trips with fewer fixes are removed' }),
    walking_max_kmh: Type.Number({ minimum: 0, maximum: 50, description: 'a trip whose 95th-percentile speed stays below this is walking, and removed' }),
    merge_gap_s: Type.Number({ minimum: 0, maximum: 86400, description: 'a trip starting within this long after the previous one ended is merged with it (0: never)' }),
    speed_limit_kmh: Type.Number({ minimum: 10, maximum: 400, description: 'speeding above this' }),
  },
  { $id: 'TripSettings' },
);
export type TripSettings = Static<typeof TripSettings>;

/**
 * Defaults, with reasons: Traccar's stop (200 m for 180 s) keeps traffic lights and queues inside
 * a trip while parked GPS drift (tens of metres) never leaves the radius; a 15-minute silence
 * while moving is a phone that lost power or signal, not a drive; under 300 m or a minute, or
 * fewer than five fixes, is a car moved in a yard; 10 km/h at the 95th percentile is a walk; a
 * stop of under 5 minutes (fuel, a drop-off at the kerb) does not split a trip in the report;
 * 110 km/h is a common motorway limit for vans.
 */
export const DEFAULT_TRIP_SETTINGS: TripSettings = {
  stop_radius_m: 200,
  stop_duration_s: 180,
  gap_split_s: 900,
  min_distance_m: 300,
  min_duration_s: 60,
  min_fixes: 5,
  walking_max_kmh: 10,
  merge_gap_s: 300,
  speed_limit_kmh: 110,
};

export const TripSettingsUpdate = Type.Partial(Type.Omit(TripSettings, []), { additionalProperties: false, minProperties: 1 });
export type TripSettingsUpdate = Static<typeof TripSettingsUpdate>;

// ---- driving events and stops ----

export const DRIVING_EVENT_KINDS = ['harsh_acceleration', 'harsh_braking', 'harsh_cornering', 'speeding'] as const;
export type DrivingEventKind = (typeof DRIVING_EVENT_KINDS)[number];

export const DrivingEvent = Type.Object(
  {
    kind: Type.Union([Type.Literal('harsh_acceleration'), Type.Literal('harsh_braking'), Type.Literal('harsh_cornering'), Type.Literal('speeding')]),
    time: IsoTime('start of the event (device time)'),
    lat: Type.Number(),
    lng: Type.Number(),
    /** m/s² for harsh events (longitudinal or lateral), the peak speed in m/s for speeding */
    value: Type.Number({ description: 'm/s² for harsh events; peak speed in m/s for speeding' }),
    duration_s: Type.Number(),
  },
  { $id: 'DrivingEvent' },
);
export type DrivingEvent = Static<typeof DrivingEvent>;

export const TripStop = Type.Object({
  start: IsoTime('stop start'),
  end: IsoTime('stop end'),
  lat: Type.Number(),
  lng: Type.Number(),
  duration_s: Type.Number(),
});
export type TripStop = Static<typeof TripStop>;

export const EventCounts = Type.Object({
  harsh_acceleration: Type.Integer(),
  harsh_braking: Type.Integer(),
  harsh_cornering: Type.Integer(),
  speeding: Type.Integer(),
});
export type EventCounts = Static<typeof EventCounts>;

// ---- trips: the list, the raw track, the processed track ----

/** One line of a device's trip list: a processed track, or a raw one that was removed. */
export const TripSummary = Type.Object(
  {
    id: Type.String({ description: 'RichTrack id (kind "rich") or IncomingTrack id (kind "removed")' }),
    kind: Type.Union([Type.Literal('rich'), Type.Literal('removed')]),
    device_id: Type.String(),
    start: IsoTime('first fix (device time)'),
    end: IsoTime('last fix (device time)'),
    distance_m: Type.Number(),
    duration_s: Type.Number(),
    moving_s: Type.Number(),
    idle_s: Type.Number(),
    avg_speed: Type.Number({ description: 'm/s over the moving time' }),
    max_speed: Type.Number({ description: 'm/s' }),
    score: Nullable(Type.Number({ description: 'safety score 0–100 (null for removed tracks)' })),
    events: EventCounts,
    incoming_ids: Type.Array(Type.String(), { description: 'the raw tracks it was made from' }),
    reason: Nullable(Type.String({ description: 'why a removed track was removed' })),
  },
  { $id: 'TripSummary' },
);
export type TripSummary = Static<typeof TripSummary>;

export const TripQuery = Type.Object({
  from: Type.Optional(IsoTime('start of the period (inclusive); default: today 00:00 UTC')),
  to: Type.Optional(IsoTime('end of the period (exclusive); default: from + 24 h')),
  removed: Type.Optional(Type.Boolean({ description: 'include removed raw tracks (default true)' })),
});
export type TripQuery = Static<typeof TripQuery>;

/** GeoJSON LineString feature; properties carry per-vertex times (ISO) and speeds (m/s). */
export const TrackGeometry = Type.Object({
  type: Type.Literal('Feature'),
  geometry: Type.Object({ type: Type.Literal('LineString'), coordinates: Type.Array(Type.Array(Type.Number())) }),
  properties: Type.Object({ times: Type.Array(Type.String()), speeds: Type.Array(Type.Number()) }),
});
export type TrackGeometry = Static<typeof TrackGeometry>;

export const RichTrack = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('RichTrack'),
    device_id: Type.String(),
    summary: TripSummary,
    geometry: TrackGeometry,
    events: Type.Array(DrivingEvent),
    stops: Type.Array(TripStop),
    replaced_by: Nullable(Type.String({ description: 'set when a merge replaced this track' })),
    score_formula: Type.String(),
  },
  { $id: 'RichTrack' },
);
export type RichTrack = Static<typeof RichTrack>;

export const IncomingTrack = Type.Object(
  {
    id: Type.String(),
    type: Type.Union([Type.Literal('IncomingTrack'), Type.Literal('IncomingTrackSummary')]),
    device_id: Type.String(),
    status: Type.Union([Type.Literal('received'), Type.Literal('removed')]),
    reason: Nullable(Type.String()),
    end_reason: Type.String({ description: 'stop, gap or sweep' }),
    start: IsoTime('first fix'),
    end: IsoTime('last fix'),
    fix_count: Type.Integer(),
    positions: Type.Array(
      Type.Object({
        lat: Type.Number(),
        lng: Type.Number(),
        speed: Type.Number(),
        bearing: Type.Number(),
        accuracy: Nullable(Type.Number()),
        altitude: Nullable(Type.Number()),
        device_time: Type.String(),
        server_time: Type.String(),
        source: Type.String(),
        flagged: Type.Boolean({ description: 'implied an impossible speed; left out of the processed track' }),
      }),
    ),
  },
  { $id: 'IncomingTrack' },
);
export type IncomingTrack = Static<typeof IncomingTrack>;

export const EXPORT_FORMATS = ['gpx', 'geojson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

// ---- the trip in progress and a day's fleet totals ----

/** The trip a device is driving now (not yet ended by a stop, a gap or the sweep). */
export const CurrentTrip = Type.Object(
  {
    in_progress: Type.Literal(true),
    device_id: Type.String(),
    start: IsoTime('first fix of the trip (device time)'),
    last_fix: IsoTime('the newest fix so far (device time)'),
    distance_m: Type.Number({ description: 'metres driven so far' }),
    duration_s: Type.Number({ description: 'from the start to the newest fix' }),
    moving_s: Type.Number(),
    idle_s: Type.Number(),
    max_speed: Type.Number({ description: 'm/s' }),
    events: EventCounts,
    driving_events: Type.Array(DrivingEvent, { description: 'the driving events so far' }),
    geometry: TrackGeometry,
  },
  { $id: 'CurrentTrip' },
);
export type CurrentTrip = Static<typeof CurrentTrip>;

export const CurrentTripAnswer = Type.Object(
  { trip: Nullable(CurrentTrip) },
  { $id: 'CurrentTripAnswer', description: 'trip is null while the device is parked (or has sent nothing since the server started)' },
);
export type CurrentTripAnswer = Static<typeof CurrentTripAnswer>;

export const DaySummaryQuery = Type.Object({
  from: Type.Optional(IsoTime('start of the period (inclusive); default: today 00:00 UTC')),
  to: Type.Optional(IsoTime('end of the period (exclusive); default: from + 24 h')),
});
export type DaySummaryQuery = Static<typeof DaySummaryQuery>;

/** One device's totals over a period: its processed trips, plus the trip in progress when it started in the period. */
export const DaySummaryRow = Type.Object(
  {
    device_id: Type.String(),
    name: Type.String({ description: 'display name, or the id' }),
    vehicle_plate: Nullable(Type.String()),
    trips: Type.Integer({ description: 'processed trips, the one in progress included' }),
    distance_m: Type.Number(),
    moving_s: Type.Number({ description: 'driving time' }),
    idle_s: Type.Number({ description: 'idle time inside trips' }),
    max_speed: Type.Number({ description: 'm/s (0 without trips)' }),
    events: Type.Integer({ description: 'driving events (harsh acceleration, braking, cornering, speeding)' }),
    score: Nullable(Type.Number({ description: 'safety score 0–100: the finished trips’ scores weighted by distance; null without finished trips' })),
    in_progress: Type.Boolean({ description: 'a trip that started in the period is in progress now' }),
  },
  { $id: 'DaySummaryRow' },
);
export type DaySummaryRow = Static<typeof DaySummaryRow>;
