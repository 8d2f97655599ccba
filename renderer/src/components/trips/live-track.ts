/** The trip in progress drawn like a finished one: a RichTrack-shaped value for the map, replay and chart. */
import type { CurrentTrip, RichTrack } from '../../../../shared/api/trips';

/** The id the trips page uses for the trip in progress (in the URL and the list). */
export const LIVE_TRIP_ID = 'current';

export function liveTrack(c: CurrentTrip): RichTrack {
  return {
    id: LIVE_TRIP_ID,
    type: 'RichTrack',
    device_id: c.device_id,
    summary: {
      id: LIVE_TRIP_ID,
      kind: 'rich',
      device_id: c.device_id,
      start: c.start,
      end: c.last_fix,
      distance_m: c.distance_m,
      duration_s: c.duration_s,
      moving_s: c.moving_s,
      idle_s: c.idle_s,
      avg_speed: c.moving_s > 0 ? c.distance_m / c.moving_s : 0,
      max_speed: c.max_speed,
      score: null,
      events: c.events,
      incoming_ids: [],
      reason: null,
    },
    geometry: c.geometry,
    events: c.driving_events,
    stops: [],
    replaced_by: null,
    score_formula: '',
  };
}
