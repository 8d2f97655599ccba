/**
 * Trips (#/trips/DEVICE/YYYY-MM-DD[/TRIP]): a searchable device picker and the day with
 * previous/next, the day's trip list with the trip in progress (today), and the selected trip's
 * route, replay and speed chart. Without a device (#/trips, #/trips/~fleet/DAY) the fleet's day
 * summary fills the page.
 */
import { useEffect, useMemo, useState } from 'react';
import type { TripSummary } from '../../../shared/api/trips';
import { useConsole } from '../app/console-context';
import { routePath, useHashParams } from '../app/use-hash-route';
import { DaySummary } from '../components/trips/DaySummary';
import { DevicePicker, FLEET_OPTION } from '../components/trips/DevicePicker';
import { LIVE_TRIP_ID, liveTrack } from '../components/trips/live-track';
import { TripDetail } from '../components/trips/TripDetail';
import { TripList } from '../components/trips/TripList';
import { useThrottledFleetVersion } from '../lib/use-fleet';
import { useLiveTrip } from '../lib/use-live-trip';
import { motionState } from '../store/fleet-store';
import { addDays, dayRange, formatDayLong, parseDay, today } from '../trips/trip-day';

export function TripsPage() {
  const { api, store, units } = useConsole();
  const version = useThrottledFleetVersion(store, 1000);
  const [deviceParam, dayParam, tripParam] = useHashParams();
  const devices = useMemo(() => [...store.all()].sort((a, b) => a.name.localeCompare(b.name)), [store, version]);
  const fleet = !deviceParam || deviceParam === FLEET_OPTION;
  const deviceId = fleet ? '' : deviceParam!;
  const day = parseDay(dayParam) ? dayParam! : today();
  const isToday = day === today();
  const device = deviceId ? store.get(deviceId) : undefined;
  const moving = isToday && !!device && motionState(device, Date.now()) === 'moving';

  const [trips, setTrips] = useState<TripSummary[] | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const live = useLiveTrip(api, store, deviceId || null, isToday);

  const go = (d: string, y: string, trip?: string) => {
    location.hash = trip ? routePath('trips', d, y, trip) : routePath('trips', d || FLEET_OPTION, y);
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
    // a trip that ended is a finished one to list
  }, [api, deviceId, day, reload, live.ended]);

  const liveTrip = isToday ? live.trip : null;
  const liveRich = useMemo(() => (liveTrip ? liveTrack(liveTrip) : null), [liveTrip]);
  // Without a chosen trip: the trip in progress, else the day's first one.
  const firstRich = trips?.find((t) => t.kind === 'rich')?.id ?? null;
  const selectedId =
    tripParam === LIVE_TRIP_ID && liveRich
      ? LIVE_TRIP_ID
      : tripParam && trips?.some((t) => t.id === tripParam && t.kind === 'rich')
        ? tripParam
        : tripParam === LIVE_TRIP_ID
          ? firstRich
          : liveRich
            ? LIVE_TRIP_ID
            : firstRich;

  return (
    <div className={`trips-page${fleet ? ' fleet' : ''}`} data-testid="trips-page">
      <aside className="trips-side">
        <div className="trips-pickers">
          <label className="trips-picker-label">
            Device
            <DevicePicker devices={devices} value={deviceId || FLEET_OPTION} onPick={(id) => go(id === FLEET_OPTION ? '' : id, day)} />
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
        {!fleet && (
          <div className="trips-list-box">
            {loading && <p className="muted">Loading trips…</p>}
            {error && (
              <div className="form-error" role="alert" data-testid="trips-error">
                Could not load the trips: {error}{' '}
                <button type="button" className="link-button" onClick={() => setReload((n) => n + 1)} data-testid="trips-retry">
                  Try again
                </button>
              </div>
            )}
            {trips && <TripList trips={trips} live={liveTrip} moving={moving} selectedId={selectedId} onSelect={(id) => go(deviceId, day, id)} units={units} />}
            <button type="button" className="link-button trips-to-summary" onClick={() => go('', day)} data-testid="trips-summary-link">
              All vans: day summary
            </button>
          </div>
        )}
        {fleet && <p className="muted small trips-side-hint">Choose a van to see its trips, or pick one in the table.</p>}
      </aside>
      {fleet ? <DaySummary day={day} onOpen={(id) => go(id, day)} /> : <TripDetail tripId={selectedId} live={liveRich} deviceName={device?.name ?? deviceId} day={day} />}
    </div>
  );
}
