/**
 * Alert history: SOS and crash alerts filtered by state (open, acknowledged, resolved, all) and
 * a date range, one card each (components/alerts/AlertRow.tsx: where and when, who acted, the
 * note, a crash's stages; acknowledge, resolve and "Show on map").
 */
import { useState, useSyncExternalStore } from 'react';
import type { AlertRecord, AlertState } from '../api/client';
import { useConsole } from '../app/console-context';
import { AlertRow } from '../components/alerts/AlertRow';
import { browserNotifications, requestBrowserNotifications } from '../components/alerts/notify';
import { useLoad } from '../lib/use-load';
import { addDays, dayRange, today } from '../trips/trip-day';

const STATES: AlertState[] = ['open', 'acknowledged', 'resolved', 'all'];
const STATE_FILTER_LABEL: Record<AlertState, string> = { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved', all: 'All' };

export function AlertsPage() {
  const { api, alerts } = useConsole();
  const [state, setState] = useState<AlertState>('all');
  const [from, setFrom] = useState(() => addDays(today(), -6));
  const [to, setTo] = useState(() => today());
  // Any alert news (a new one, an update, an acknowledgement from the banner) reloads the page.
  const version = useSyncExternalStore(alerts.subscribe, alerts.getVersion);
  const { data: list, error, reload } = useLoad((signal) => api.alerts({ state, from: dayRange(from).from, to: dayRange(to).to }, signal), [api, state, from, to, version]);

  const update = (a: AlertRecord) => {
    alerts.apply(a);
    reload();
  };

  return (
    <div className="page alerts-page" data-testid="alerts-page">
      <div className="page-head">
        <h1>Alerts</h1>
        <NotificationsToggle />
      </div>
      <div className="alerts-filters">
        <div className="segmented" role="group" aria-label="State">
          {STATES.map((s) => (
            <button key={s} type="button" className={s === state ? 'active' : undefined} aria-pressed={s === state} onClick={() => setState(s)} data-testid={`alerts-state-${s}`}>
              {STATE_FILTER_LABEL[s]}
            </button>
          ))}
        </div>
        <label className="inline">
          From <input type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} data-testid="alerts-from" />
        </label>
        <label className="inline">
          To <input type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} data-testid="alerts-to" />
        </label>
        <span className="muted small">{list ? `${list.length} alert${list.length === 1 ? '' : 's'}` : ''}</span>
      </div>
      {error && (
        <div className="form-error" role="alert" data-testid="alerts-error">
          The alerts could not be loaded.{' '}
          <button type="button" className="link-button" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {list && list.length === 0 && (
        <p className="notice" data-testid="alerts-empty">
          No {state === 'all' ? '' : `${STATE_FILTER_LABEL[state].toLowerCase()} `}alerts in this period.
        </p>
      )}
      {list && list.length > 0 && (
        <ul className="alert-history" data-testid="alert-history">
          {list.map((a) => (
            <AlertRow key={a.id} alert={a} onChange={update} />
          ))}
        </ul>
      )}
    </div>
  );
}

function NotificationsToggle() {
  const [perm, setPerm] = useState(browserNotifications);
  if (perm === 'desktop') return <span className="muted small">Desktop notifications are on.</span>;
  if (perm === 'unsupported') return <span className="muted small">This browser cannot show notifications.</span>;
  if (perm === 'granted') return <span className="muted small" data-testid="notifications-on">Desktop notifications are on for new crashes and SOS.</span>;
  if (perm === 'denied') return <span className="muted small">Notifications are blocked for this site in the browser’s settings.</span>;
  return (
    <button type="button" onClick={() => void requestBrowserNotifications().then(() => setPerm(browserNotifications()))} data-testid="enable-notifications">
      Enable desktop notifications
    </button>
  );
}
