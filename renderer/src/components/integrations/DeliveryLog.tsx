/**
 * The delivery log, newest first: each event per destination with its attempts, state, the
 * receiver's last answer and the next retry (or when it was delivered). Filters by destination,
 * state and event type; "Older" pages back with next_before. Dead letters are sent again one by
 * one or all at once. The first page refreshes itself every 15 s.
 */
import { useState } from 'react';
import { DELIVERY_STATES, type Delivery, type DeliveryState, type Destination } from '../../../../shared/api/notifications';
import type { EventName } from '../../../../shared/api/events';
import { useConsole } from '../../app/console-context';
import { useLoad } from '../../lib/use-load';
import { actionProblem } from './field-errors';
import { notifyNotificationsChanged, useNotificationsRefresh } from './notify-changed';
import { DELIVERY_STATE_LABELS, EVENT_GROUPS, EVENT_LABELS, eventLabel, lastAnswer } from './notify-labels';

export interface LogFilter {
  destination: string;
  state: DeliveryState | '';
  event: EventName | '';
}

export const NO_FILTER: LogFilter = { destination: '', state: '', event: '' };
const PAGE = 50;

/** "12:03:07" today, else "3 Dec 12:03". */
function logTime(iso: string): string {
  const d = new Date(iso);
  if (d.toDateString() === new Date().toDateString()) return d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit', second: '2-digit' });
  return `${d.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })}`;
}

function whenText(x: Delivery): string {
  if (x.state === 'delivered') return x.delivered_at ? `Delivered ${logTime(x.delivered_at)}` : 'Delivered';
  if (x.state === 'dead') return x.last_attempt_at ? `Gave up ${logTime(x.last_attempt_at)}` : 'Gave up';
  return x.next_attempt_at ? `Next try ${logTime(x.next_attempt_at)}` : 'Sending soon';
}

export function DeliveryLog(props: { destinations: Destination[] | null; filter: LogFilter; onFilter: (f: LogFilter) => void; nameOf: (deviceId: string) => string; onRedelivered: () => void }) {
  const { api } = useConsole();
  const { filter } = props;
  // `before` of each page shown so far: [] is the newest page.
  const [cursors, setCursors] = useState<number[]>([]);
  const before = cursors[cursors.length - 1];
  const log = useLoad(
    (signal) => api.deliveries({ destination: filter.destination || undefined, state: filter.state || undefined, event: filter.event || undefined, before, limit: PAGE }, signal),
    [api, filter.destination, filter.state, filter.event, before],
  );
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useNotificationsRefresh(() => before === undefined && log.reload(), 15_000);

  const setFilter = (f: Partial<LogFilter>) => {
    setCursors([]);
    setNotice(null);
    props.onFilter({ ...filter, ...f });
  };
  // Everything on the page and the header warning, not only the log.
  const refresh = () => {
    log.reload();
    notifyNotificationsChanged();
  };
  const deadTotal = (props.destinations ?? []).filter((d) => !filter.destination || d.id === filter.destination).reduce((n, d) => n + d.health.dead, 0);

  const redeliver = async (body: { id: number } | { all: true; destination?: string }) => {
    setBusy(true);
    setNotice(null);
    try {
      const { redelivered } = await api.redeliver(body);
      setNotice({ ok: true, text: redelivered === 0 ? 'Nothing to send again: no dead letters left.' : redelivered === 1 ? 'Sent again: 1 dead letter is back in the queue.' : `Sent again: ${redelivered} dead letters are back in the queue.` });
      log.reload();
      props.onRedelivered();
      notifyNotificationsChanged();
    } catch (err) {
      setNotice({ ok: false, text: actionProblem(err) });
    } finally {
      setBusy(false);
    }
  };

  const rows = log.data?.deliveries ?? null;
  const destName = (id: string) => props.destinations?.find((d) => d.id === id)?.name;
  return (
    <section className="delivery-log" data-testid="delivery-log">
      <div className="section-title">
        <h2>Delivery log</h2>
        <div className="log-filters">
          <label className="inline">
            Destination
            <select value={filter.destination} onChange={(e) => setFilter({ destination: e.target.value })} data-testid="log-filter-destination">
              <option value="">All</option>
              {props.destinations?.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            State
            <select value={filter.state} onChange={(e) => setFilter({ state: e.target.value as LogFilter['state'] })} data-testid="log-filter-state">
              <option value="">All</option>
              {DELIVERY_STATES.map((s) => (
                <option key={s} value={s}>
                  {DELIVERY_STATE_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            Event
            <select value={filter.event} onChange={(e) => setFilter({ event: e.target.value as LogFilter['event'] })} data-testid="log-filter-event">
              <option value="">All</option>
              {EVENT_GROUPS.map((g) => (
                <optgroup key={g.label} label={g.label}>
                  {g.events.map((e) => (
                    <option key={e} value={e}>
                      {EVENT_LABELS[e]}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          <button type="button" onClick={refresh} data-testid="log-refresh" title="Load the log, the destinations' health and the header warning again">
            Refresh
          </button>
          {deadTotal > 0 && (
            <button type="button" className="danger" disabled={busy} onClick={() => void redeliver({ all: true, destination: filter.destination || undefined })} data-testid="redeliver-all" title={filter.destination ? 'Send every dead letter of this destination again' : 'Send every dead letter again, whatever the other filters'}>
              Redeliver all ({deadTotal})
            </button>
          )}
        </div>
      </div>
      {notice && (
        <p className={notice.ok ? 'form-ok' : 'form-error'} role={notice.ok ? 'status' : 'alert'} data-testid="log-notice">
          {notice.text}
        </p>
      )}
      {log.error && (
        <p className="form-error" role="alert">
          Could not load the delivery log. Check the connection.{' '}
          <button type="button" className="link-button" onClick={log.reload}>
            Try again
          </button>
        </p>
      )}
      <div className="card table-card">
        <table className="table stack-table log-table" data-testid="delivery-table">
          <thead>
            <tr>
              <th>Event</th>
              <th>Device</th>
              <th>Destination</th>
              <th>Attempts</th>
              <th>State</th>
              <th>Last answer</th>
              <th>Next try / delivered</th>
              <th className="actions-col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {rows === null && !log.error && (
              <tr>
                <td colSpan={8} className="muted">
                  Loading…
                </td>
              </tr>
            )}
            {rows !== null && rows.length === 0 && (
              <tr>
                <td colSpan={8} className="muted" data-testid="delivery-empty">
                  {filter.destination || filter.state || filter.event ? 'No deliveries match these filters.' : before !== undefined ? 'No older deliveries.' : 'Nothing sent yet. Events appear here as they go out.'}
                </td>
              </tr>
            )}
            {rows?.map((x) => (
              <tr key={x.id} data-testid="delivery-row" data-delivery-id={x.id} data-state={x.state} data-event={x.event} data-destination-id={x.destination_id}>
                <td data-label="Event">
                  <strong>{eventLabel(x.event)}</strong>
                  <div className="muted small">
                    <code className="seed-name">{x.event}</code> · {logTime(x.created_at)}
                  </div>
                </td>
                <td data-label="Device" className="small">
                  {x.device_id ? props.nameOf(x.device_id) : <span className="muted">—</span>}
                </td>
                <td data-label="Destination" className="small">
                  {destName(x.destination_id) ?? x.destination_name}
                </td>
                <td data-label="Attempts" className="num">
                  {x.attempts}
                </td>
                <td data-label="State">
                  <span className={`delivery-state state-${x.state}`} data-testid="delivery-state">
                    {DELIVERY_STATE_LABELS[x.state]}
                  </span>
                </td>
                <td data-label="Last answer" className={`small answer-cell${x.last_error ? ' bad' : ''}`} data-testid="delivery-answer">
                  {lastAnswer(x.last_status, x.last_error)}
                </td>
                <td data-label="When" className="small">
                  {whenText(x)}
                </td>
                <td data-label="" className="actions-cell">
                  {x.state === 'dead' && (
                    <button type="button" disabled={busy} onClick={() => void redeliver({ id: x.id })} data-testid="redeliver">
                      Redeliver
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="pager">
        {cursors.length > 0 && (
          <>
            <button type="button" onClick={() => setCursors([])} data-testid="log-newest">
              Newest
            </button>
            <button type="button" onClick={() => setCursors(cursors.slice(0, -1))} data-testid="log-newer">
              Newer
            </button>
          </>
        )}
        {log.data?.next_before != null && (
          <button type="button" onClick={() => setCursors([...cursors, log.data!.next_before!])} data-testid="log-older">
            Older
          </button>
        )}
        {rows && rows.length > 0 && <span className="muted small">{cursors.length === 0 ? 'Newest first' : `Page ${cursors.length + 1}`}</span>}
      </div>
    </section>
  );
}
