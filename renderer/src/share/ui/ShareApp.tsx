/** The share page: not found, waiting, or the delivery with its map, ETA and details. */
import { useEffect, useSyncExternalStore } from 'react';
import { useNow } from '../../driver/ui/use-now';
import type { ShareFeed } from '../share-feed';
import { isEnded } from '../share-feed';
import { statusText } from '../share-format';
import { ShareMap } from '../map/ShareMap';
import { DeliveryDetails } from './DeliveryDetails';
import { EtaCard } from './EtaCard';
import { NotFound } from './NotFound';
import { StatusBanner } from './StatusBanner';
import { UpdatedAge } from './UpdatedAge';

export function ShareApp({ feed }: { feed: ShareFeed }) {
  const state = useSyncExternalStore(feed.subscribe, feed.getState);
  const now = useNow();
  const company = state.share?.company_name;
  useEffect(() => {
    document.title = company ? `${company} — delivery tracking` : 'Delivery tracking';
  }, [company]);

  if (state.phase === 'not-found') return <NotFound />;
  if (!state.share) {
    return (
      <div className="share-message" data-testid="share-loading">
        <p>{state.phase === 'unreachable' ? 'We can’t reach the tracking service right now. We’ll keep trying…' : 'Loading your delivery…'}</p>
      </div>
    );
  }

  const share = state.share;
  const ended = isEnded(share.status);
  const status = statusText(share.status, share.driver_name);
  return (
    <div className={`share-page tone-${status.tone}${ended ? ' ended' : ''}`} data-testid="share-page" data-status={share.status}>
      <aside className="share-side">
        <header className="share-top">
          <span className="share-company" data-testid="share-company">
            {share.company_name}
          </span>
          <span className="share-kind">Delivery tracking</span>
        </header>
        <StatusBanner status={status} />
        {!ended && (
          <>
            {share.eta && share.status !== 'arrived' && <EtaCard eta={share.eta} receivedAt={state.receivedAt} now={now} />}
            <UpdatedAge position={share.position} now={now} live={state.live} />
          </>
        )}
        <DeliveryDetails share={share} ended={ended} />
      </aside>
      {!ended && (
        <main className="share-map-area">
          <ShareMap position={share.position} destination={share.destination} showHeading={share.share_config.show_heading} vanTitle={share.driver_name ?? 'Your driver'} />
        </main>
      )}
    </div>
  );
}
