/** Unknown devices (admins only): polled every 10 s while the console is open. */
import { useCallback, useEffect, useState } from 'react';
import type { UnknownDevice } from '../../../../shared/api/schemas';
import type { ApiClient } from '../../api/client';

export const UNKNOWN_POLL_MS = 10_000;

export function useUnknownDevices(api: ApiClient, enabled: boolean): { list: UnknownDevice[]; refresh: () => Promise<void> } {
  const [list, setList] = useState<UnknownDevice[]>([]);

  const refresh = useCallback(async () => {
    try {
      setList(await api.unknownDevices());
    } catch (err) {
      // A failed poll keeps the last list; the next poll tries again.
      console.warn('unknown devices not loaded:', (err as Error).message);
    }
  }, [api]);

  useEffect(() => {
    if (!enabled) return setList([]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      await refresh();
      if (!stopped) timer = setTimeout(() => void tick(), UNKNOWN_POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [enabled, refresh]);

  return { list, refresh };
}
