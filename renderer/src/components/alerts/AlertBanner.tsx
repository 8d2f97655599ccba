/**
 * The unmissable banner for open SOS and crash alerts: device, kind (a crash says whether the
 * filters confirmed it), time and how long ago, the coordinates (copyable), peak g; "Show on map", "Acknowledge" and "Resolve…" (with a
 * required note). Loads the open alerts on start and after every reconnect; a new
 * alert sounds the alarm.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { AlertRecord as AlertView } from '../../api/client';
import { useConsole } from '../../app/console-context';
import { formatAge, formatTime } from '../../lib/format';
import { useAsyncAction } from '../../lib/use-async-action';
import { useFleetVersion, useNow } from '../../lib/use-fleet';
import { alertPosition, alertTitle } from './alert-info';
import { Coordinates } from './AlertWhere';
import { alarmsPlayed } from './alarm';
import { notificationsSent } from './notify';
import { ResolveForm } from './ResolveForm';
import { OPEN_ALERTS_REFRESH_MS, syncOpenAlerts } from './sync-alerts';

export function AlertBanner() {
  const { api, alerts, live } = useConsole();
  const open = useSyncExternalStore(alerts.subscribe, alerts.getOpen);
  const anyOpen = open.length > 0;
  useEffect(() => {
    if (!anyOpen) return;
    const timer = setInterval(() => void syncOpenAlerts(api, alerts, live), OPEN_ALERTS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [api, alerts, live, anyOpen]);
  if (!anyOpen) return null;
  return (
    <div className="alert-banner" role="alert" aria-live="assertive" data-testid="alert-banner" data-alarms={alarmsPlayed()} data-notified={notificationsSent()}>
      {open.map((a) => (
        <AlertLine key={a.id} alert={a} />
      ))}
    </div>
  );
}

function AlertLine({ alert }: { alert: AlertView }) {
  const { api, alerts, store, focusDevice } = useConsole();
  useFleetVersion(store);
  const now = useNow();
  const { busy, feedback, setFeedback, run } = useAsyncAction();
  const [resolving, setResolving] = useState(false);
  const device = store.get(alert.device_id);
  const at = alertPosition(alert, device);
  const time = Date.parse(alert.time);

  useEffect(() => setFeedback(null), [alert.id, setFeedback]);

  const acknowledge = () =>
    run(async () => {
      await api.acknowledgeAlert(alert.id);
      alerts.remove(alert.id);
    });

  return (
    <div className={`alert-line alert-${alert.kind}${alert.confirmed ? ' alert-confirmed' : ''}`} data-testid="alert" data-alert-id={alert.id} data-kind={alert.kind} data-confirmed={String(alert.confirmed ?? '')}>
      <div className="alert-main">
      <span className="alert-icon" aria-hidden="true">
        !
      </span>
      <div className="alert-text">
        <strong className="alert-kind" data-testid="alert-title">
          {alertTitle(alert)}
        </strong>
        <span className="alert-device" data-testid="alert-device">
          {device?.name ?? alert.device_id}
        </span>
        <span title={new Date(time).toLocaleString()}>
          {formatTime(time)} (<span data-testid="alert-elapsed">{formatAge(time, now)}</span>)
        </span>
        {at && <Coordinates at={at} className="alert-banner-coords" />}
        {alert.kind === 'crash' && alert.peak_g !== null && <span data-testid="alert-peak">peak {alert.peak_g.toFixed(1)} g</span>}
        {!at && <span className="alert-dim">no position</span>}
        {feedback && <span className="alert-error">{feedback.text}</span>}
      </div>
      <div className="alert-actions">
        <button type="button" onClick={() => focusDevice(alert.device_id, at)} data-testid="alert-show">
          Show on map
        </button>
        <button type="button" className="alert-ack" onClick={() => void acknowledge()} disabled={busy} data-testid="alert-ack">
          {busy ? 'Acknowledging…' : 'Acknowledge'}
        </button>
        <button type="button" onClick={() => setResolving(!resolving)} aria-expanded={resolving} data-testid="alert-resolve">
          Resolve…
        </button>
      </div>
      </div>
      {resolving && (
        <ResolveForm
          className="alert-resolve"
          alert={alert}
          onCancel={() => setResolving(false)}
          onDone={(a) => {
            alerts.apply(a);
            alerts.remove(alert.id);
          }}
        />
      )}
    </div>
  );
}
