/**
 * The company's destinations: name and kind, the events and devices each receives, an on/off
 * switch, health ("Delivering", "Failing since 12:03 — …", "Off") and what waits or gave up.
 * On a phone each row is a card.
 */
import { useState } from 'react';
import { PROVIDER_LABELS, type Destination } from '../../../../shared/api/notifications';
import { useConsole } from '../../app/console-context';
import { actionProblem } from './field-errors';
import { notifyNotificationsChanged } from './notify-changed';
import { destinationHealth, devicesSummary, eventsSummary } from './notify-labels';
import { SendTest } from './SendTest';

export function DestinationTable(props: { destinations: Destination[] | null; loadError: string | null; nameOf: (deviceId: string) => string; onEdit: (d: Destination) => void; onChanged: (d: Destination) => void; onShowDead: (d: Destination) => void }) {
  const list = props.destinations;
  return (
    <div className="card table-card">
      <table className="table stack-table" data-testid="destinations-table">
        <thead>
          <tr>
            <th>Destination</th>
            <th>Events</th>
            <th>Devices</th>
            <th>On</th>
            <th>Health</th>
            <th>Queue</th>
            <th className="actions-col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {list === null && !props.loadError && (
            <tr>
              <td colSpan={7} className="muted">
                Loading…
              </td>
            </tr>
          )}
          {list !== null && list.length === 0 && (
            <tr>
              <td colSpan={7} className="muted" data-testid="destinations-empty">
                No destinations yet. Add one to send trips, crashes, SOS and shares to your backend as they happen.
              </td>
            </tr>
          )}
          {list?.map((d) => <DestinationRow key={d.id} d={d} {...props} />)}
        </tbody>
      </table>
    </div>
  );
}

function DestinationRow(props: { d: Destination; nameOf: (deviceId: string) => string; onEdit: (d: Destination) => void; onChanged: (d: Destination) => void; onShowDead: (d: Destination) => void }) {
  const { d } = props;
  const health = destinationHealth(d);
  return (
    <tr data-testid="destination-row" data-destination-id={d.id} data-health={health.tone} className={d.enabled ? undefined : 'disabled'}>
      <td data-label="Destination" className="dest-name-cell">
        <strong data-testid="destination-name">{d.name}</strong>
        <div className="muted small">{PROVIDER_LABELS[d.provider]}</div>
        {d.secrets_problem && <div className="health-error small">Secret must be entered again (Edit)</div>}
      </td>
      <td data-label="Events" className="small">
        {eventsSummary(d.events)}
      </td>
      <td data-label="Devices" className="small">
        {devicesSummary(d.devices, props.nameOf)}
      </td>
      <td data-label="On">
        <EnabledSwitch d={d} onChanged={props.onChanged} />
      </td>
      <td data-label="Health" className="health-cell">
        <span className={`health health-${health.tone}`} data-testid="destination-health">
          <span className="health-dot" aria-hidden="true" />
          {health.text}
        </span>
        {health.detail && (
          <div className={health.tone === 'failing' ? 'health-error small' : 'muted small'} data-testid="destination-health-detail">
            {health.detail}
          </div>
        )}
      </td>
      <td data-label="Queue" className="small" data-testid="destination-queue">
        <div className="queue-cell">
          <span>{d.health.pending} waiting</span>
          {d.health.dead > 0 ? (
            <button type="button" className="link-button dead-count" onClick={() => props.onShowDead(d)} data-testid="destination-dead" title="Show the dead letters in the log">
              {d.health.dead} dead
            </button>
          ) : (
            <span className="muted">0 dead</span>
          )}
        </div>
      </td>
      <td data-label="Actions">
        <div className="dest-row-actions">
          <SendTest destinationId={d.id} compact />
          <button type="button" onClick={() => props.onEdit(d)} data-testid="destination-edit">
            Edit
          </button>
        </div>
      </td>
    </tr>
  );
}

function EnabledSwitch(props: { d: Destination; onChanged: (d: Destination) => void }) {
  const { api } = useConsole();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { d } = props;
  const flip = async () => {
    setBusy(true);
    setProblem(null);
    try {
      props.onChanged(await api.updateDestination(d.id, { enabled: !d.enabled }));
      notifyNotificationsChanged();
    } catch (err) {
      setProblem(actionProblem(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" role="switch" aria-checked={d.enabled} aria-label={`${d.name}: ${d.enabled ? 'on' : 'off'}`} className={`switch${d.enabled ? ' on' : ''}`} disabled={busy} onClick={() => void flip()} data-testid="destination-switch">
        <span className="switch-knob" aria-hidden="true" />
      </button>
      {problem && <p className="form-error">{problem}</p>}
    </>
  );
}
