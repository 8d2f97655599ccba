/**
 * Trips of one device on one day (#/trips/DEVICE/YYYY-MM-DD): device and day pickers with
 * previous/next day, the day's trip list, and the selected trip's route, replay and speed chart.
 */
import { useEffect, useMemo, useState } from 'react';
import type { TripSummary } from '../../../shared/api/trips';
import { useConsole } from '../app/console-context';
import { routePath, useHashParams } from '../app/use-hash-route';
import { useThrottledFleetVersion } from '../lib/use-fleet';
import { addDays, dayRange, formatDayLong, parseDay, today } from '../trips/trip-day';
import { TripDetail } from '../components/trips/TripDetail';
import { TripList } from '../components/trips/TripList';

export function TripsPage() {
  const { api, store, units } = useConsole();
  const version = useThrottledFleetVersion(store, 1000);
  const [deviceParam, dayParam, tripParam] = useHashParams();
  const devices = useMemo(() => [...store.all()].sort((a, b) => a.name.localeCompare(b.name)), [store, version]);
  const deviceId = deviceParam ?? '';
  const day = parseDay(dayParam) ? dayParam! : today();
  const device = deviceId ? store.get(deviceId) : undefined;

  const [trips, setTrips] = useState<TripSummary[] | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);

  const go = (d: string, y: string, trip?: string) => {
    location.hash = trip ? routePath('trips', d, y, trip) : d ? routePath('trips', d, y) : routePath('trips');
  };

  useEffect(() => {
    setTrips(null);
    setError('');
    if (!deviceId) return;
    const ctl = new AbortController();
    setLoading(true);
    api.trips(deviceId, dayRange(day), ctl.signal).then(
      (list) => {
        setTrips([...list].sort((a, b) => Date.parse(a.start) - Date.parse(b.start)));
        setLoading(false);
      },
      (err: Error) => {
        if (err.name === 'AbortError') return;
        setError(err.message);
        setLoading(false);
      },
    );
    return () => ctl.abort();
  }, [api, deviceId, day, reload]);

  // Without a chosen trip, the day's first one is shown.
  const selectedId = tripParam && trips?.some((t) => t.id === tripParam && t.kind === 'rich') ? tripParam : (trips?.find((t) => t.kind === 'rich')?.id ?? null);

  return (
    <div className="trips-page" data-testid="trips-page">
      <aside className="trips-side">
        <div className="trips-pickers">
          <label>
            Device
            <select value={deviceId} onChange={(e) => go(e.target.value, day)} data-testid="trips-device">
              <option value="">Choose a device…</option>
              {deviceId && !device && <option value={deviceId}>{deviceId}</option>}
              {devices.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                  {d.name !== d.id ? ` (${d.id})` : ''}
                </option>
              ))}
            </select>
          </label>
          <div className="trips-day">
            <button type="button" onClick={() => go(deviceId, addDays(day, -1))} aria-label="Previous day" title="Previous day" data-testid="day-prev">
              ‹
            </button>
            <input type="date" value={day} max={today()} onChange={(e) => parseDay(e.target.value) && go(deviceId, e.target.value)} aria-label="Day" data-testid="trips-day" />
            <button type="button" onClick={() => go(deviceId, addDays(day, 1))} disabled={day >= today()} aria-label="Next day" title="Next day" data-testid="day-next">
              ›
            </button>
          </div>
          <p className="muted small trips-day-long">{formatDayLong(day)}</p>
        </div>
        <div className="trips-list-box">
          {!deviceId && <p className="notice">Choose a device to see its trips.</p>}
          {deviceId && loading && <p className="muted">Loading trips…</p>}
          {error && (
            <div className="form-error" role="alert" data-testid="trips-error">
              Could not load the trips: {error}{' '}
              <button type="button" className="link-button" onClick={() => setReload((n) => n + 1)} data-testid="trips-retry">
                Try again
              </button>
            </div>
          )}
          {trips && <TripList trips={trips} selectedId={selectedId} onSelect={(id) => go(deviceId, day, id)} units={units} />}
        </div>
      </aside>
      <TripDetail tripId={selectedId} deviceName={device?.name ?? deviceId} day={day} />
    </div>
  );
}
