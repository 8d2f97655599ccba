/**
 * "Arriving in about 12 min, around 14:35". The minutes count down between updates from when
 * the estimate arrived (the server's clock and the viewer's may differ); the clock time is the
 * server's estimate shown in the viewer's time zone.
 */
import type { ShareEta } from '../../../../shared/api/shares';
import { clockTime, distance, etaDuration } from '../share-format';

export function EtaCard({ eta, receivedAt, now }: { eta: ShareEta; receivedAt: number; now: number }) {
  const left = Math.max(0, eta.seconds - (now - receivedAt) / 1000);
  return (
    <section className="share-eta" data-testid="share-eta">
      <span className="share-eta-label">Arriving in</span>
      <strong className="share-eta-value" data-testid="share-eta-duration">
        {etaDuration(left)}
      </strong>
      <span className="share-eta-clock" data-testid="share-eta-clock">
        around {clockTime(eta.arrival_at)} · {distance(eta.distance_m)} away
      </span>
    </section>
  );
}
