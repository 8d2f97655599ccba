/**
 * A day's trips: one row per processed track (times, distance, duration, moving/idle, max
 * speed, score, event counts), the trip in progress last, and the removed raw tracks greyed out
 * with their reason, folded. A van that is moving never reads "No trips this day".
 */
import { useState } from 'react';
import { DRIVING_EVENT_KINDS, type CurrentTrip, type TripSummary } from '../../../../shared/api/trips';
import { formatSpeed } from '../../lib/format';
import type { SpeedUnit } from '../../prefs/units';
import { LIVE_TRIP_ID } from './live-track';
import { clock, EVENT_COLOR, EVENT_GLYPH, EVENT_LABEL, formatDuration, formatKm, SCORE_HELP, scoreClass, scoreLabel } from './trip-format';

export function TripList(props: {
  trips: TripSummary[];
  /** the trip in progress (today only) */
  live: CurrentTrip | null;
  /** the device is moving now (today only): a trip is about to start */
  moving: boolean;
  selectedId: string | null;
  onSelect: (id: string) => void;
  units: SpeedUnit;
}) {
  const rich = props.trips.filter((t) => t.kind === 'rich');
  const removed = props.trips.filter((t) => t.kind === 'removed');
  const [showRemoved, setShowRemoved] = useState(false);
  const counted: { distance_m: number; moving_s: number }[] = [...rich, ...(props.live ? [props.live] : [])];
  const total = counted.reduce((s, t) => s + t.distance_m, 0);
  const driving = counted.reduce((s, t) => s + t.moving_s, 0);
  const live = props.live;
  return (
    <div className="trip-list" data-testid="trip-list">
      {counted.length > 0 && (
        <p className="trip-day-total muted" data-testid="trip-day-total">
          {counted.length} trip{counted.length === 1 ? '' : 's'}
          {live ? ' (1 in progress)' : ''} · {formatKm(total)} · {formatDuration(driving)} driving
        </p>
      )}
      {counted.length === 0 && props.moving && (
        <p className="notice" data-testid="trips-starting">
          Driving now. The trip appears here once the van has left its parking spot (a few hundred metres).
        </p>
      )}
      {counted.length === 0 && !props.moving && (
        <p className="notice" data-testid="trips-empty">
          No trips this day{removed.length ? ' (only removed tracks, below).' : '.'}
        </p>
      )}
      <ul className="trip-rows">
        {rich.map((t) => (
          <li key={t.id}>
            <button
              type="button"
              className={`trip-row${t.id === props.selectedId ? ' selected' : ''}`}
              onClick={() => props.onSelect(t.id)}
              aria-pressed={t.id === props.selectedId}
              data-testid="trip-row"
              data-trip-id={t.id}
            >
              <div className="trip-row-head">
                <strong className="trip-times" data-testid="trip-times">
                  {clock(t.start)}–{clock(t.end)}
                </strong>
                <span className={`trip-score ${scoreClass(t.score)}`} title={SCORE_HELP} data-testid="trip-score">
                  {scoreLabel(t.score)}
                </span>
              </div>
              <div className="trip-row-facts">
                <span data-testid="trip-distance">{formatKm(t.distance_m)}</span>
                <span title="Duration">{formatDuration(t.duration_s)}</span>
                <span title="Moving / idle">
                  {formatDuration(t.moving_s)} moving · {formatDuration(t.idle_s)} idle
                </span>
                <span title="Maximum speed">max {formatSpeed(t.max_speed, props.units)}</span>
              </div>
              <EventChips counts={t.events} />
            </button>
          </li>
        ))}
        {live && (
          <li>
            <button
              type="button"
              className={`trip-row live${props.selectedId === LIVE_TRIP_ID ? ' selected' : ''}`}
              onClick={() => props.onSelect(LIVE_TRIP_ID)}
              aria-pressed={props.selectedId === LIVE_TRIP_ID}
              data-testid="trip-live-row"
            >
              <div className="trip-row-head">
                <strong className="trip-times">{clock(live.start)}–now</strong>
                <span className="trip-live-badge">
                  <span className="live-dot" aria-hidden="true" /> In progress
                </span>
              </div>
              <div className="trip-row-facts">
                <span data-testid="trip-live-distance">{formatKm(live.distance_m)}</span>
                <span title="Duration so far" data-testid="trip-live-duration">
                  {formatDuration(live.duration_s)}
                </span>
                <span title="Maximum speed">max {formatSpeed(live.max_speed, props.units)}</span>
              </div>
              <div className="muted small">Updates as positions arrive; scored when the trip ends.</div>
            </button>
          </li>
        )}
      </ul>
      {removed.length > 0 && (
        <div className="trip-removed">
          <button type="button" className="link-button" aria-expanded={showRemoved} onClick={() => setShowRemoved(!showRemoved)} data-testid="removed-toggle">
            {showRemoved ? '▾' : '▸'} Removed tracks ({removed.length})
          </button>
          {showRemoved && (
            <ul className="trip-rows removed" data-testid="removed-list">
              {removed.map((t) => (
                <li key={t.id} className="trip-row removed" data-testid="removed-row" data-trip-id={t.id}>
                  <div className="trip-row-head">
                    <span className="trip-times">
                      {clock(t.start)}–{clock(t.end)}
                    </span>
                    <span className="muted">{formatKm(t.distance_m)}</span>
                  </div>
                  <div className="trip-reason" data-testid="removed-reason">
                    {t.reason ?? 'removed'}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function EventChips({ counts }: { counts: TripSummary['events'] }) {
  const any = DRIVING_EVENT_KINDS.some((k) => counts[k] > 0);
  if (!any) return <div className="trip-events muted small">No driving events</div>;
  return (
    <div className="trip-events" data-testid="trip-events">
      {DRIVING_EVENT_KINDS.filter((k) => counts[k] > 0).map((k) => (
        <span key={k} className="event-chip" title={EVENT_LABEL[k]} data-kind={k} data-count={counts[k]}>
          <span className="event-glyph" style={{ background: EVENT_COLOR[k] }}>
            {EVENT_GLYPH[k]}
          </span>
          {counts[k]} {EVENT_LABEL[k].toLowerCase()}
        </span>
      ))}
    </div>
  );
}
