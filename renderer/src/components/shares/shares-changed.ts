/** A share was created or changed in this console: lists of shares load again at once. */
import { useEffect } from 'react';

const listeners = new Set<() => void>();

export function notifySharesChanged(): void {
  for (const l of listeners) l();
}

/** Calls `reload` whenever a share changes here, and every `pollMs` (other consoles' changes). */
export function useSharesRefresh(reload: () => void, pollMs = 10_000): void {
  useEffect(() => {
    listeners.add(reload);
    const t = setInterval(reload, pollMs);
    return () => {
      listeners.delete(reload);
      clearInterval(t);
    };
  }, [reload, pollMs]);
}
