/** The device panel's "Today" section: today's trips, distance and driving time, the trip in progress, and the track's positions. */
import { useConsole } from '../app/console-context';
import { routePath } from '../app/use-hash-route';
import type { TodayTrack } from '../lib/use-today-track';
import { useTodayTotals } from '../lib/use-today-track';
import { today } from '../trips/trip-day';
import { clock, formatDuration, formatKm } from './trips/trip-format';

export function TodaySection({ id, track }: { id: string; track: TodayTrack }) {
  const { api, store } = useConsole();
  const totals = useTodayTotals(api, store, id);
  const live = totals.live;
  return (
    <section className="panel-section today-section" data-testid="today-section">
      <h3>Today</h3>
      {totals.error ? (
        <p className="form-error">Could not load today’s trips. {totals.error}</p>
      ) : totals.loading ? (
        <p className="muted">Loading…</p>
      ) : (
        <dl className="today-totals" data-testid="today-totals">
          <div>
            <dt>Distance</dt>
            <dd data-testid="today-distance">{formatKm(totals.distance_m)}</dd>
          </div>
          <div>
            <dt>Driving</dt>
            <dd data-testid="today-driving">{formatDuration(totals.moving_s)}</dd>
          </div>
          <div>
            <dt>Trips</dt>
            <dd data-testid="today-trips">{totals.trips}</dd>
          </div>
        </dl>
      )}
      {live && (
        <p className="today-live" data-testid="today-live">
          <span className="live-dot" aria-hidden="true" /> Driving now: {formatKm(live.distance_m)} in {formatDuration(live.duration_s)}, since {clock(live.start)}
        </p>
      )}
      <p className="muted small" data-testid="track-summary">
        {track.loading
          ? 'Loading…'
          : track.error
            ? `Could not load the track: ${track.error}`
            : track.points && track.points.length > 0
              ? `${track.points.length.toLocaleString()} position${track.points.length === 1 ? '' : 's'} since midnight`
              : 'No positions since midnight.'}
      </p>
      <a href={routePath('trips', id, today())} className="small" data-testid="today-trips-link">
        See today’s trips
      </a>
    </section>
  );
}
