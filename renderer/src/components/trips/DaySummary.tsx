/**
 * The fleet's day: one row per van (trips, distance, driving and idle time, max speed, driving
 * events, safety score), the trip in progress counted, with "Download CSV". On a phone the
 * table scrolls sideways, the van's name column staying in view. A row opens the van's trips.
 */
import { useEffect, useState } from 'react';
import type { DaySummaryRow } from '../../../../shared/api/trips';
import { useConsole } from '../../app/console-context';
import { formatSpeed } from '../../lib/format';
import { dayRange, formatDayLong, today } from '../../trips/trip-day';
import { daySummaryCsv } from './day-summary-csv';
import { saveText } from './export';
import { formatDuration, formatKm, SCORE_HELP, scoreClass } from './trip-format';

const REFRESH_TODAY_MS = 15_000;

export function DaySummary(props: { day: string; onOpen: (deviceId: string) => void }) {
  const { api, units } = useConsole();
  const [rows, setRows] = useState<DaySummaryRow[] | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [reload, setReload] = useState(0);

  useEffect(() => {
    setRows(null);
    setError('');
    setStatus('');
    const ctl = new AbortController();
    const load = () =>
      api.daySummary(dayRange(props.day), ctl.signal).then(
        (r) => {
          setRows(r);
          setError('');
        },
        (err: Error) => {
          if (!ctl.signal.aborted) setError(err.message);
        },
      );
    void load();
    // Today's totals move while vans drive.
    const timer = props.day === today() ? setInterval(() => void load(), REFRESH_TODAY_MS) : undefined;
    return () => {
      ctl.abort();
      clearInterval(timer);
    };
  }, [api, props.day, reload]);

  async function download() {
    if (!rows) return;
    try {
      const r = await saveText(daySummaryCsv(rows, props.day, units), 'text/csv;charset=utf-8', `fleet-day-${props.day}.csv`, { name: 'CSV table', extensions: ['csv'] });
      setStatus(r === 'saved' ? 'CSV saved.' : r === 'downloaded' ? 'CSV downloaded.' : '');
    } catch (err) {
      setStatus(`Could not save the CSV: ${(err as Error).message}`);
    }
  }

  const mi = units === 'mph';
  const dist = (m: number) => (mi ? `${(m / 1609.344).toFixed(1)} mi` : formatKm(m));
  return (
    <section className="day-summary" data-testid="day-summary">
      <div className="day-summary-head">
        <h2>Day summary</h2>
        <span className="muted">{formatDayLong(props.day)}</span>
        <span className="day-summary-actions">
          <button type="button" onClick={() => void download()} disabled={!rows || rows.length === 0} data-testid="day-summary-csv">
            Download CSV
          </button>
          {status && (
            <span className="muted small" data-testid="day-summary-status">
              {status}
            </span>
          )}
        </span>
      </div>
      {error && (
        <div className="form-error" role="alert">
          Could not load the day summary: {error}{' '}
          <button type="button" className="link-button" onClick={() => setReload((n) => n + 1)}>
            Try again
          </button>
        </div>
      )}
      {!rows && !error && <p className="muted">Loading the day…</p>}
      {rows && rows.length === 0 && <p className="notice">No vans yet. Add drivers under Users.</p>}
      {rows && rows.length > 0 && (
        <div className="day-summary-scroll" tabIndex={0} aria-label="Day summary table">
          <table className="day-summary-table">
            <thead>
              <tr>
                <th scope="col">Van</th>
                <th scope="col" className="num">Trips</th>
                <th scope="col" className="num">Distance</th>
                <th scope="col" className="num">Driving</th>
                <th scope="col" className="num">Idle</th>
                <th scope="col" className="num">Max speed</th>
                <th scope="col" className="num">Events</th>
                <th scope="col" className="num" title={SCORE_HELP}>
                  Safety score
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.device_id} data-testid="day-summary-row" data-device-id={r.device_id}>
                  <th scope="row">
                    <button type="button" className="link-button" onClick={() => props.onOpen(r.device_id)} title="See this van’s trips">
                      {r.name}
                    </button>
                    {r.vehicle_plate && <span className="muted small day-summary-plate">{r.vehicle_plate}</span>}
                    {r.in_progress && (
                      <span className="trip-live-badge small" data-testid="day-summary-live">
                        <span className="live-dot" aria-hidden="true" /> Driving
                      </span>
                    )}
                  </th>
                  <td className="num" data-col="trips">{r.trips}</td>
                  <td className="num" data-col="distance">{r.trips ? dist(r.distance_m) : '—'}</td>
                  <td className="num" data-col="driving">{r.trips ? formatDuration(r.moving_s) : '—'}</td>
                  <td className="num" data-col="idle">{r.trips ? formatDuration(r.idle_s) : '—'}</td>
                  <td className="num" data-col="max-speed">{r.trips ? formatSpeed(r.max_speed, units) : '—'}</td>
                  <td className="num" data-col="events">{r.trips ? r.events : '—'}</td>
                  <td className="num" data-col="score">
                    {r.score === null ? (
                      <span className="muted">—</span>
                    ) : (
                      <span className={`trip-score ${scoreClass(r.score)}`} title={SCORE_HELP}>
                        {Math.round(r.score)}/100
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
