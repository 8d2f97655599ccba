/**
 * A share was created or changed — in this console, or anywhere (the Tracking API's
 * `share_update`, see app/Console.tsx): lists of shares load again at once. They also load
 * every 30 s while shown, for the ETAs, which change with every position.
 */
import { useEffect } from 'react';

const listeners = new Set<() => void>();

export function notifySharesChanged(): void {
  for (const l of listeners) l();
}

/** Calls `reload` whenever a share changes, and every `pollMs` (the ETAs). */
export function useSharesRefresh(reload: () => void, pollMs = 30_000): void {
  useEffect(() => {
    listeners.add(reload);
    const t = setInterval(reload, pollMs);
    return () => {
      listeners.delete(reload);
      clearInterval(t);
    };
  }, [reload, pollMs]);
}
