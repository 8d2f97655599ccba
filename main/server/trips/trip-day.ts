/**
 * What the console shows of a day while vans drive: the trip in progress (processed like a
 * finished one, from the fixes stored so far, on the track thread) and each device's totals
 * over a period (a trip in progress's totals shared for a few seconds: TripService.progressTotals).
 */
import type { CurrentTrip, DaySummaryRow, TripSummary } from '../../../shared/api/trips';
import { iso } from '../../../shared/time';
import type { UserRow } from '../store/users';
import { richSummary } from './track-views';
import type { TripService } from './trip-service';

/** The device's trip in progress, or null when it is parked. */
export async function currentTrip(trips: TripService, companyId: string, device: UserRow): Promise<CurrentTrip | null> {
  const now = await trips.progress(companyId, device.pk);
  if (!now) return null;
  const p = now.processed;
  return {
    in_progress: true,
    device_id: device.user_id,
    start: iso(now.start),
    last_fix: iso(now.last),
    distance_m: p.distance_m,
    duration_s: (now.last - now.start) / 1000,
    moving_s: p.moving_s,
    idle_s: p.idle_s,
    max_speed: p.max_speed,
    events: p.counts,
    driving_events: p.events,
    geometry: p.geometry,
  };
}

const eventTotal = (e: TripSummary['events']) => e.harsh_acceleration + e.harsh_braking + e.harsh_cornering + e.speeding;

/** Per device, its processed trips starting in [from, to) and the trip in progress if it started then. */
export async function daySummary(trips: TripService, companyId: string, devices: UserRow[], from: number, to: number): Promise<DaySummaryRow[]> {
  const live = await Promise.all(
    devices.map(async (d) => {
      const started = trips.current(d.pk)?.start;
      if (started === undefined || started < from || started >= to) return null;
      const p = await trips.progressTotals(companyId, d.pk);
      return p && { distance_m: p.processed.distance_m, moving_s: p.processed.moving_s, idle_s: p.processed.idle_s, max_speed: p.processed.max_speed, events: p.processed.counts };
    }),
  );
  return devices.map((d, i) => {
    const done = trips.store.richList(d.pk, from, to).map((r) => richSummary(r, d.user_id));
    const counted = live[i] ?? null;
    const parts = [...done, ...(counted ? [counted] : [])];
    const scored = done.filter((t) => t.score !== null);
    const weight = scored.reduce((s, t) => s + Math.max(t.distance_m, 1), 0);
    return {
      device_id: d.user_id,
      name: d.display_name || d.user_id,
      vehicle_plate: d.vehicle_plate,
      trips: parts.length,
      distance_m: parts.reduce((s, t) => s + t.distance_m, 0),
      moving_s: parts.reduce((s, t) => s + t.moving_s, 0),
      idle_s: parts.reduce((s, t) => s + t.idle_s, 0),
      max_speed: parts.reduce((s, t) => Math.max(s, t.max_speed), 0),
      events: parts.reduce((s, t) => s + eventTotal(t.events), 0),
      score: scored.length ? Math.round((scored.reduce((s, t) => s + (t.score ?? 0) * Math.max(t.distance_m, 1), 0) / weight) * 10) / 10 : null,
      in_progress: counted !== null,
    };
  });
}
