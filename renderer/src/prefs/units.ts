/** Speed units are a per-user preference kept in this browser (localStorage), not on the server. */
import { useCallback, useSyncExternalStore } from 'react';

export type SpeedUnit = 'kmh' | 'mph';
export const SPEED_UNITS: readonly { value: SpeedUnit; label: string }[] = [
  { value: 'kmh', label: 'km/h' },
  { value: 'mph', label: 'mph' },
];

const key = (userKey: string) => `fleetdesk.units.${userKey}`;
const listeners = new Set<() => void>();

export function readUnits(userKey: string): SpeedUnit {
  try {
    return localStorage.getItem(key(userKey)) === 'mph' ? 'mph' : 'kmh';
  } catch {
    return 'kmh';
  }
}

export function writeUnits(userKey: string, unit: SpeedUnit): void {
  try {
    localStorage.setItem(key(userKey), unit);
  } catch {
    /* storage disabled: the choice lasts for this page only */
  }
  for (const l of listeners) l();
}

/** `userKey` is company/user, so two accounts on one machine keep their own choice. */
export function useUnits(userKey: string): [SpeedUnit, (u: SpeedUnit) => void] {
  const subscribe = useCallback((l: () => void) => {
    listeners.add(l);
    const onStorage = (e: StorageEvent) => e.key === key(userKey) && l();
    window.addEventListener('storage', onStorage);
    return () => {
      listeners.delete(l);
      window.removeEventListener('storage', onStorage);
    };
  }, [userKey]);
  const unit = useSyncExternalStore(subscribe, () => readUnits(userKey));
  return [unit, useCallback((u: SpeedUnit) => writeUnits(userKey, u), [userKey])];
}
