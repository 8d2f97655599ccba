/**
 * One alert of the Alerts page, as a card: what and which van, its state and actions; where it
 * happened (a pin on a small map, the coordinates to copy) and how long ago; who acknowledged and
 * resolved it by name, the note, and a crash's pipeline stages.
 */
import { useState } from 'react';
import type { AlertRecord } from '../../api/client';
import { ApiError } from '../../api/client';
import { useConsole } from '../../app/console-context';
import { useAsyncAction } from '../../lib/use-async-action';
import { useFleetVersion } from '../../lib/use-fleet';
import { useLoad } from '../../lib/use-load';
import { actorName, alertPosition, alertState, alertTitle, STATE_LABEL } from './alert-info';
import { AlertMiniMap } from './AlertMiniMap';
import { Coordinates, Elapsed } from './AlertWhere';
import { ResolveForm } from './ResolveForm';

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '');

export function AlertRow({ alert, onChange }: { alert: AlertRecord; onChange: (a: AlertRecord) => void }) {
  const { api, store, focusDevice } = useConsole();
  useFleetVersion(store);
  const device = store.get(alert.device_id);
  const st = alertState(alert);
  const [resolving, setResolving] = useState(false);
  const { busy, feedback, run } = useAsyncAction();
  // Its own position; else the device's last known one (then said so).
  const own = alert.lat !== null && alert.lng !== null ? { lat: alert.lat, lng: alert.lng } : null;
  const at = alertPosition(alert, device);
  const name = device?.name ?? alert.device_id;
  const show = () => focusDevice(alert.device_id, at);

  const acknowledge = () =>
    run(
      async () => onChange(await api.acknowledgeAlert(alert.id)),
      (err) => (err instanceof ApiError && err.status === 0 ? 'The server cannot be reached; try again.' : 'The alert could not be acknowledged; try again.'),
    );

  return (
    <li className={`alert-row alert-row-${st} alert-row-${alert.kind}`} data-testid="alert-row" data-alert-id={alert.id} data-kind={alert.kind} data-state={st}>
      <div className="alert-row-main">
        <span className={`alert-kind-pill kind-${alert.kind}${alert.confirmed ? ' confirmed' : ''}`} data-testid="alert-row-title">
          {alertTitle(alert)}
        </span>
        <strong className="alert-row-device">{name}</strong>
        <span className={`state-pill state-${st}`} data-testid="alert-row-state">
          {STATE_LABEL[st]}
        </span>
        <span className="alert-row-actions">
          <button type="button" onClick={show} data-testid="alert-row-show">
            Show on map
          </button>
          {st === 'open' && (
            <button type="button" className="primary" onClick={() => void acknowledge()} disabled={busy} data-testid="alert-row-ack">
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
      <div className="alert-row-body">
        {at ? <AlertMiniMap lat={at.lat} lng={at.lng} title={`${alertTitle(alert)}: ${name}`} onOpen={show} /> : <div className="alert-minimap alert-minimap-none muted small">No position reported</div>}
        <dl className="alert-row-facts">
          <dt>When</dt>
          <dd>
            <Elapsed time={Date.parse(alert.time)} /> <span className="muted">· {when(alert.time)}</span>
            {alert.kind === 'crash' && alert.peak_g !== null && <span className="muted"> · peak {alert.peak_g.toFixed(1)} g</span>}
          </dd>
          <dt>Where</dt>
          <dd>
            {at ? <Coordinates at={at} /> : <span className="muted">none reported</span>}
            {at && !own && <span className="muted small"> (the van’s last known position; the alert carried none)</span>}
          </dd>
          {alert.acknowledged_at && (
            <>
              <dt>Acknowledged</dt>
              <dd data-testid="alert-row-ack-by">
                {actorName(alert.acknowledged_by, alert.acknowledged_by_name)} · {when(alert.acknowledged_at)}
              </dd>
            </>
          )}
          {alert.resolved_at && (
            <>
              <dt>Resolved</dt>
              <dd data-testid="alert-row-resolved-by">
                {actorName(alert.resolved_by ?? null, alert.resolved_by_name)} · {when(alert.resolved_at)}
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
        </dl>
      </div>
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
  if (error) return <div className="muted small">The crash details could not be loaded.</div>;
  if (!acc) return <div className="muted small">Loading the crash details…</div>;
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
