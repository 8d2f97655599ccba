/** React views of the fleet store. Live updates can arrive every frame; views choose how often to follow. */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { FleetStore, LiveDevice } from '../store/fleet-store';

/** Re-renders on every store change (at most once per frame: the store merges bursts). */
export function useFleetVersion(store: FleetStore): number {
  const subscribe = useCallback((l: () => void) => store.subscribe(l), [store]);
  return useSyncExternalStore(subscribe, store.getVersion);
}

/**
 * Re-renders at most every `intervalMs` while updates stream in, so a list over thousands of
 * devices is re-filtered and re-sorted a few times a second rather than every frame. Full
 * reloads ('all') show at once.
 */
export function useThrottledFleetVersion(store: FleetStore, intervalMs: number): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const apply = () => {
      timer = undefined;
      last = performance.now();
      setVersion(store.version);
    };
    const unsubscribe = store.subscribe((changed) => {
      if (timer !== undefined) return;
      const wait = changed === 'all' ? 0 : Math.max(0, last + intervalMs - performance.now());
      if (wait === 0) apply();
      else timer = setTimeout(apply, wait);
    });
    setVersion(store.version);
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store, intervalMs]);
  return version;
}

/** One device, re-rendering only when that device (or the whole list) changes. */
export function useFleetDevice(store: FleetStore, id: string | null): LiveDevice | undefined {
  const [device, setDevice] = useState(() => (id ? store.get(id) : undefined));
  useEffect(() => {
    setDevice(id ? store.get(id) : undefined);
    if (!id) return;
    return store.subscribe((changed) => {
      if (changed === 'all' || changed.has(id)) setDevice(store.get(id));
    });
  }, [store, id]);
  return device;
}

/** A clock for "last seen" ages: one shared timer, ticking every second. */
const clockListeners = new Set<() => void>();
let clockNow = Date.now();
let clockTimer: ReturnType<typeof setInterval> | undefined;
function subscribeClock(l: () => void): () => void {
  clockListeners.add(l);
  if (!clockTimer) {
    clockNow = Date.now();
    clockTimer = setInterval(() => {
      clockNow = Date.now();
      for (const x of clockListeners) x();
    }, 1000);
  }
  return () => {
    clockListeners.delete(l);
    if (clockListeners.size === 0) {
      clearInterval(clockTimer);
      clockTimer = undefined;
    }
  };
}
export function useNow(): number {
  return useSyncExternalStore(subscribeClock, () => clockNow);
}

/** The live connection state; re-renders only when it changes, not on every position. */
export function useConnection(store: FleetStore): FleetStore['connection'] {
  const subscribe = useCallback((l: () => void) => store.subscribe(l), [store]);
  return useSyncExternalStore(subscribe, () => store.connection);
}
