/**
 * Alert history: SOS and crash alerts filtered by state (open, acknowledged, resolved, all) and
 * a date range; who acknowledged and resolved each and when, the note, the crash pipeline's
 * stages when an accident is linked; acknowledge, resolve and "Show on map" from each row.
 */
import { useState, useSyncExternalStore } from 'react';
import type { AlertRecord, AlertState } from '../api/client';
import { useConsole } from '../app/console-context';
import { alertPosition, alertState, alertTitle, STATE_LABEL } from '../components/alerts/alert-info';
import { browserNotifications, requestBrowserNotifications } from '../components/alerts/notify';
import { ResolveForm } from '../components/alerts/ResolveForm';
import { useFleetVersion } from '../lib/use-fleet';
import { useAsyncAction } from '../lib/use-async-action';
import { useLoad } from '../lib/use-load';
import { addDays, dayRange, today } from '../trips/trip-day';

const STATES: AlertState[] = ['open', 'acknowledged', 'resolved', 'all'];
const STATE_FILTER_LABEL: Record<AlertState, string> = { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved', all: 'All' };

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '');

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
          Could not load the alerts: {error}{' '}
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

function AlertRow({ alert, onChange }: { alert: AlertRecord; onChange: (a: AlertRecord) => void }) {
  const { api, store, focusDevice } = useConsole();
  useFleetVersion(store);
  const device = store.get(alert.device_id);
  const st = alertState(alert);
  const [resolving, setResolving] = useState(false);
  const { busy, feedback, run } = useAsyncAction();
  const at = alertPosition(alert, device);

  const acknowledge = () => run(async () => onChange(await api.acknowledgeAlert(alert.id)));

  return (
    <li className={`alert-row alert-row-${st} alert-row-${alert.kind}`} data-testid="alert-row" data-alert-id={alert.id} data-kind={alert.kind} data-state={st}>
      <div className="alert-row-main">
        <span className={`alert-kind-pill kind-${alert.kind}${alert.confirmed ? ' confirmed' : ''}`} data-testid="alert-row-title">
          {alertTitle(alert)}
        </span>
        <strong className="alert-row-device">{device?.name ?? alert.device_id}</strong>
        <span title={`received ${when(alert.received_at)}`}>{when(alert.time)}</span>
        {alert.kind === 'crash' && alert.peak_g !== null && <span>peak {alert.peak_g.toFixed(1)} g</span>}
        <span className={`state-pill state-${st}`} data-testid="alert-row-state">
          {STATE_LABEL[st]}
        </span>
        <span className="alert-row-actions">
          <button type="button" onClick={() => focusDevice(alert.device_id, at)} data-testid="alert-row-show">
            Show on map
          </button>
          {st === 'open' && (
            <button type="button" onClick={() => void acknowledge()} disabled={busy} data-testid="alert-row-ack">
              Acknowledge
            </button>
          )}
          {st !== 'resolved' && (
            <button type="button" onClick={() => setResolving(!resolving)} aria-expanded={resolving} data-testid="alert-row-resolve">
              Resolve…
            </button>
          )}
        </span>
      </div>
      <dl className="alert-row-facts">
        {alert.acknowledged_at && (
          <>
            <dt>Acknowledged</dt>
            <dd data-testid="alert-row-ack-by">
              {alert.acknowledged_by ?? '—'} · {when(alert.acknowledged_at)}
            </dd>
          </>
        )}
        {alert.resolved_at && (
          <>
            <dt>Resolved</dt>
            <dd data-testid="alert-row-resolved-by">
              {alert.resolved_by ?? '—'} · {when(alert.resolved_at)}
            </dd>
          </>
        )}
        {alert.note && (
          <>
            <dt>Note</dt>
            <dd className="alert-note" data-testid="alert-row-note">
              {alert.note}
            </dd>
          </>
        )}
        {!at && (
          <>
            <dt>Position</dt>
            <dd className="muted">none reported</dd>
          </>
        )}
      </dl>
      {alert.accident_id && <AccidentStages id={alert.accident_id} />}
      {feedback && <div className="form-error">{feedback.text}</div>}
      {resolving && (
        <ResolveForm
          alert={alert}
          onCancel={() => setResolving(false)}
          onDone={(a) => {
            setResolving(false);
            onChange(a);
          }}
        />
      )}
    </li>
  );
}

/** The crash pipeline's four stages (GET /accidents/:id). */
function AccidentStages({ id }: { id: string }) {
  const { api } = useConsole();
  const { data: acc, error } = useLoad((signal) => api.accident(id, signal), [api, id]);
  if (error) return <div className="muted small">Accident {id}: {error}</div>;
  if (!acc) return <div className="muted small">Loading the accident…</div>;
  const stages: { label: string; at: string | null; extra?: string }[] = [
    { label: 'Received', at: acc.received_at, extra: acc.source },
    { label: 'Sensor data', at: acc.extra_received_at },
    {
      label: 'Complete package',
      at: acc.package_received_at,
      extra: acc.passed_filters === null ? undefined : acc.passed_filters ? 'passed the filters' : 'did not pass the filters',
    },
    { label: 'Confirmed', at: acc.filtered_at },
  ];
  return (
    <div className="accident-stages" data-testid="accident-stages">
      <ol>
        {stages.map((s) => (
          <li key={s.label} className={s.at ? 'done' : 'pending'} data-stage={s.label}>
            <strong>{s.label}</strong> <span>{s.at ? new Date(s.at).toLocaleTimeString() : 'pending'}</span>
            {s.extra && <span className="muted"> · {s.extra}</span>}
          </li>
        ))}
      </ol>
      {acc.filter_reasons.length > 0 && <p className="muted small" data-testid="accident-reasons">{acc.filter_reasons.join('; ')}</p>}
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
