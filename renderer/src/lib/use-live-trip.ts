/**
 * A device's trip in progress, from GET /devices/{id}/trips/current: loaded at once, then again
 * when the live store brings the device's new positions, at most every LIVE_TRIP_REFRESH_MS (the
 * server processes the whole trip so far for each answer). `ended` counts the trips seen to end,
 * so the caller reloads its finished-trip list then.
 */
import { useEffect, useState } from 'react';
import type { CurrentTrip } from '../../../shared/api/trips';
import type { ApiClient } from '../api/client';
import type { FleetStore } from '../store/fleet-store';

export const LIVE_TRIP_REFRESH_MS = 10_000;

export interface LiveTrip {
  trip: CurrentTrip | null;
  /** how many trips in progress were seen to end (a finished trip to load) */
  ended: number;
}

export function useLiveTrip(api: ApiClient, store: FleetStore, deviceId: string | null, enabled: boolean): LiveTrip {
  const [state, setState] = useState<LiveTrip>({ trip: null, ended: 0 });

  useEffect(() => {
    setState((s) => ({ trip: null, ended: s.ended }));
    if (!deviceId || !enabled) return;
    const ctl = new AbortController();
    let last = 0;
    let inFlight = false;
    let had = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      inFlight = true;
      last = Date.now();
      api.currentTrip(deviceId, ctl.signal).then(
        (a) => {
          inFlight = false;
          const endedNow = had && !a.trip;
          had = a.trip !== null;
          setState((s) => ({ trip: a.trip, ended: s.ended + (endedNow ? 1 : 0) }));
        },
        () => {
          inFlight = false; // keeps what it had; the next position tries again
        },
      );
    };
    const unsubscribe = store.subscribe((changed) => {
      if ((changed !== 'all' && !changed.has(deviceId)) || inFlight || timer) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          load();
        },
        Math.max(0, last + LIVE_TRIP_REFRESH_MS - Date.now()),
      );
    });
    load();
    return () => {
      ctl.abort();
      unsubscribe();
      clearTimeout(timer);
    };
  }, [api, store, deviceId, enabled]);

  return state;
}
