/** Says clearly when live updates stopped; hidden while online and during the first connect. */
import { useConsole } from '../app/console-context';
import { useConnection } from '../lib/use-fleet';

export function ConnectionBanner() {
  const { store, live } = useConsole();
  const state = useConnection(store);
  if (state === 'online' || (state === 'connecting' && !live.everOnline)) return null;
  const message = live.everOnline ? 'Connection lost — reconnecting…' : 'Cannot reach the server — retrying…';
  return (
    <div className="banner banner-warn" role="status" data-testid="connection-banner">
      <span>{message}</span>
      <span className="banner-hint">Positions shown may be out of date.</span>
      <button type="button" className="link-button" onClick={() => live.retryNow()}>
        Retry now
      </button>
    </div>
  );
}
