/** How old the van's position is; after two minutes without an update, a plain warning. */
import type { PublicPosition } from '../../../../shared/api/shares';
import { STALE_AFTER_MS, updatedAgo } from '../share-format';

export function UpdatedAge({ position, now, live }: { position: PublicPosition | null; now: number; live: boolean }) {
  if (!position) {
    return (
      <p className="share-updated" data-testid="share-updated">
        Waiting for the driver’s position…
      </p>
    );
  }
  const age = now - Date.parse(position.time);
  const stale = age > STALE_AFTER_MS;
  return (
    <p className={`share-updated${stale ? ' stale' : ''}`} data-testid="share-updated" data-stale={stale}>
      {!stale && <span className={`share-live-dot${live ? ' on' : ''}`} aria-hidden="true" />}
      {stale ? `No update for ${updatedAgo(age).replace(' ago', '')}. The driver’s phone may have lost its signal; the van may have moved on.` : `Updated ${updatedAgo(age)}`}
      {position.speed_kmh != null && !stale && <span className="share-speed"> · {Math.round(position.speed_kmh)} km/h</span>}
    </p>
  );
}
