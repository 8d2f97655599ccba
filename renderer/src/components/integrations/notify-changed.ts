/**
 * Something about notifications changed in this console (a destination saved, switched, deleted;
 * a dead letter sent again): the header's failing warning, the destinations and the delivery log
 * ask the server again at once instead of waiting for their next poll.
 */
import { useEffect, useRef } from 'react';

const listeners = new Set<() => void>();

export function notifyNotificationsChanged(): void {
  for (const l of listeners) l();
}

/** Calls `reload` whenever notifications change here, and every `pollMs` (the latest `reload` given). */
export function useNotificationsRefresh(reload: () => void, pollMs: number): void {
  const latest = useRef(reload);
  useEffect(() => {
    latest.current = reload;
  });
  useEffect(() => {
    const call = () => latest.current();
    listeners.add(call);
    const t = setInterval(call, pollMs);
    return () => {
      listeners.delete(call);
      clearInterval(t);
    };
  }, [pollMs]);
}
