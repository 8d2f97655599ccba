/**
 * The selected device's day so far. The track since local midnight: history from REST (every
 * page, following next_cursor), then extended by live positions as they arrive (points are
 * [lat, lng]). Its totals: today's finished trips plus the trip in progress (use-live-trip.ts),
 * the list reloaded when a trip ends.
 */
import { useEffect, useState } from 'react';
import type { CurrentTrip, TripSummary } from '../../../shared/api/trips';
import type { ApiClient } from '../api/client';
import type { FleetStore } from '../store/fleet-store';
import { dayRange, today } from '../trips/trip-day';
import { useLiveTrip } from './use-live-trip';

export type TrackPoint = [number, number];

export interface TodayTrack {
  points: TrackPoint[] | null;
  loading: boolean;
  error: string | null;
}

/** A whole day at 1 Hz is 86,400 points; beyond this the track is cut (a pathological device). */
const MAX_POINTS = 200_000;
const PAGE_SIZE = 5000;

export function localMidnight(now = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

export async function fetchTrackSince(api: ApiClient, id: string, from: Date, to: Date, signal?: AbortSignal): Promise<{ points: TrackPoint[]; lastTime: number }> {
  const points: TrackPoint[] = [];
  let lastTime = -Infinity;
  let cursor: string | null = null;
  do {
    const page = await api.positionsPage(id, { from: from.toISOString(), to: to.toISOString(), cursor, limit: PAGE_SIZE }, signal);
    for (const p of page.items) points.push([p.lat, p.lng]);
    const lastItem = page.items[page.items.length - 1];
    if (lastItem) lastTime = Date.parse(lastItem.device_time);
    cursor = page.next_cursor;
  } while (cursor && points.length < MAX_POINTS);
  return { points, lastTime };
}

export function useTodayTrack(api: ApiClient, store: FleetStore, id: string | null): TodayTrack {
  const [track, setTrack] = useState<TodayTrack>({ points: null, loading: false, error: null });

  useEffect(() => {
    if (!id) {
      setTrack({ points: null, loading: false, error: null });
      return;
    }
    const abort = new AbortController();
    let points: TrackPoint[] | null = null;
    let lastTime = -Infinity;
    setTrack({ points: null, loading: true, error: null });

    const unsubscribe = store.subscribe((changed) => {
      if (!points || (changed !== 'all' && !changed.has(id))) return;
      const p = store.get(id)?.position;
      if (!p || p.time <= lastTime || points.length >= MAX_POINTS) return;
      lastTime = p.time;
      points = [...points, [p.lat, p.lng]];
      setTrack({ points, loading: false, error: null });
    });

    const to = new Date();
    fetchTrackSince(api, id, localMidnight(to), to, abort.signal).then(
      (r) => {
        points = r.points;
        lastTime = r.lastTime;
        // A live fix newer than the history's end joins at once.
        const p = store.get(id)?.position;
        if (p && p.time > lastTime && p.time >= localMidnight(to).getTime()) {
          points.push([p.lat, p.lng]);
          lastTime = p.time;
        }
        setTrack({ points, loading: false, error: null });
      },
      (err: Error) => {
        if (!abort.signal.aborted) setTrack({ points: null, loading: false, error: err.message });
      },
    );
    return () => {
      abort.abort();
      unsubscribe();
    };
  }, [api, store, id]);

  return track;
}

export interface TodayTotals {
  /** finished trips and the one in progress */
  trips: number;
  distance_m: number;
  moving_s: number;
  live: CurrentTrip | null;
  loading: boolean;
  error: string | null;
}

export function useTodayTotals(api: ApiClient, store: FleetStore, id: string | null): TodayTotals {
  const live = useLiveTrip(api, store, id, true);
  const [list, setList] = useState<{ trips: TripSummary[] | null; error: string | null }>({ trips: null, error: null });

  useEffect(() => {
    setList({ trips: null, error: null });
    if (!id) return;
    const ctl = new AbortController();
    api.trips(id, dayRange(today()), ctl.signal).then(
      (trips) => setList({ trips: trips.filter((t) => t.kind === 'rich'), error: null }),
      (err: Error) => {
        if (!ctl.signal.aborted) setList({ trips: null, error: err.message });
      },
    );
    return () => ctl.abort();
  }, [api, id, live.ended]);

  const parts: { distance_m: number; moving_s: number }[] = [...(list.trips ?? []), ...(live.trip ? [live.trip] : [])];
  return {
    trips: parts.length,
    distance_m: parts.reduce((s, t) => s + t.distance_m, 0),
    moving_s: parts.reduce((s, t) => s + t.moving_s, 0),
    live: live.trip,
    loading: list.trips === null && list.error === null,
    error: list.error,
  };
}
