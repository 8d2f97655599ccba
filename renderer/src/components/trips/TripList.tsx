/**
 * A day's trips: one row per processed track (times, distance, duration, moving/idle, max
 * speed, score, event counts), and the removed raw tracks greyed out with their reason, folded.
 */
import { useState } from 'react';
import { DRIVING_EVENT_KINDS, type TripSummary } from '../../../../shared/api/trips';
import { formatSpeed } from '../../lib/format';
import type { SpeedUnit } from '../../prefs/units';
import { clock, EVENT_COLOR, EVENT_GLYPH, EVENT_LABEL, formatDuration, formatKm, scoreClass } from './trip-format';

export function TripList(props: { trips: TripSummary[]; selectedId: string | null; onSelect: (id: string) => void; units: SpeedUnit }) {
  const rich = props.trips.filter((t) => t.kind === 'rich');
  const removed = props.trips.filter((t) => t.kind === 'removed');
  const [showRemoved, setShowRemoved] = useState(false);
  const total = rich.reduce((s, t) => s + t.distance_m, 0);
  const driving = rich.reduce((s, t) => s + t.moving_s, 0);
  return (
    <div className="trip-list" data-testid="trip-list">
      {rich.length > 0 && (
        <p className="trip-day-total muted" data-testid="trip-day-total">
          {rich.length} trip{rich.length === 1 ? '' : 's'} · {formatKm(total)} · {formatDuration(driving)} moving
        </p>
      )}
      {rich.length === 0 && (
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
                <span className={`trip-score ${scoreClass(t.score)}`} title="Safety score (0–100)" data-testid="trip-score">
                  {t.score === null ? '—' : Math.round(t.score)}
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
