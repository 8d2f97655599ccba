/** The header's live-connection dot: Online, Reconnecting (after a drop), Connecting (at start) or Offline. */
import { useConsole } from '../app/console-context';
import { useConnection } from '../lib/use-fleet';

export function connectionLabel(state: 'connecting' | 'online' | 'offline', everOnline: boolean): string {
  if (state === 'online') return 'Online';
  if (state === 'offline') return 'Offline';
  return everOnline ? 'Reconnecting' : 'Connecting';
}

export function ConnectionState() {
  const { store, live } = useConsole();
  const state = useConnection(store);
  return (
    <span className={`conn conn-${state}`} title={`Live updates: ${connectionLabel(state, live.everOnline).toLowerCase()}`}>
      <span className="conn-dot" aria-hidden="true" />
      <span data-testid="connection-state">{connectionLabel(state, live.everOnline)}</span>
    </span>
  );
}
