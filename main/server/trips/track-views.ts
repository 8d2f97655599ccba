import type { DrivingEvent, EventCounts, IncomingTrack, RichTrack, TrackGeometry, TripStop, TripSummary } from '../../../shared/api/trips';
import type { PositionRow } from '../store/positions';
import { isHidden } from '../store/position-flags';
import type { ProcessedTrack } from './process';
import { SCORE_FORMULA } from './score';
import type { RichRow, TripRow } from '../store/trips';
import { iso } from '../../../shared/time';

/** What rich_tracks.data holds. */
export interface RichData {
  geometry: TrackGeometry;
  events: DrivingEvent[];
  stops: TripStop[];
  counts: EventCounts;
  outliers: number;
}

export function richRow(id: string, userPk: number, tripIds: string[], p: ProcessedTrack, now: number): RichRow {
  const data: RichData = { geometry: p.geometry, events: p.events, stops: p.stops, counts: p.counts, outliers: p.outliers };
  return {
    id,
    user_pk: userPk,
    start_time: p.start,
    end_time: p.end,
    trip_ids: JSON.stringify(tripIds),
    distance_m: p.distance_m,
    duration_s: p.duration_s,
    moving_s: p.moving_s,
    idle_s: p.idle_s,
    avg_speed: p.avg_speed,
    max_speed: p.max_speed,
    score: p.score,
    data: JSON.stringify(data),
    replaced_by: null,
    created_at: now,
  };
}

export function richSummary(r: RichRow, deviceId: string): TripSummary {
  const data = JSON.parse(r.data) as RichData;
  return {
    id: r.id,
    kind: 'rich',
    device_id: deviceId,
    start: iso(r.start_time),
    end: iso(r.end_time),
    distance_m: r.distance_m,
    duration_s: r.duration_s,
    moving_s: r.moving_s,
    idle_s: r.idle_s,
    avg_speed: r.avg_speed,
    max_speed: r.max_speed,
    score: r.score,
    events: data.counts,
    incoming_ids: JSON.parse(r.trip_ids) as string[],
    reason: null,
  };
}

/** A removed raw track as a list line; its figures are computed from its fixes when listed. */
export function removedSummary(t: TripRow, deviceId: string, p: ProcessedTrack): TripSummary {
  return {
    id: t.id,
    kind: 'removed',
    device_id: deviceId,
    start: iso(t.start_time),
    end: iso(t.end_time),
    distance_m: p.distance_m,
    duration_s: (t.end_time - t.start_time) / 1000,
    moving_s: p.moving_s,
    idle_s: p.idle_s,
    avg_speed: p.avg_speed,
    max_speed: p.max_speed,
    score: null,
    events: p.counts,
    incoming_ids: [t.id],
    reason: t.reason,
  };
}

export function richView(r: RichRow, deviceId: string): RichTrack {
  const data = JSON.parse(r.data) as RichData;
  return {
    id: r.id,
    type: 'RichTrack',
    device_id: deviceId,
    summary: richSummary(r, deviceId),
    geometry: data.geometry,
    events: data.events,
    stops: data.stops,
    replaced_by: r.replaced_by,
    score_formula: SCORE_FORMULA,
  };
}

export function incomingView(t: TripRow, deviceId: string, positions: PositionRow[]): IncomingTrack {
  return {
    id: t.id,
    type: t.status === 'removed' ? 'IncomingTrackSummary' : 'IncomingTrack',
    device_id: deviceId,
    status: t.status,
    reason: t.reason,
    end_reason: t.end_reason,
    start: iso(t.start_time),
    end: iso(t.end_time),
    fix_count: t.fix_count,
    positions: positions.map((p) => ({
      lat: p.lat,
      lng: p.lng,
      speed: p.speed,
      bearing: p.bearing,
      accuracy: p.accuracy,
      altitude: p.altitude,
      device_time: iso(p.device_time),
      server_time: iso(p.server_time),
      source: p.source,
      flagged: isHidden(p.flags),
    })),
  };
}
