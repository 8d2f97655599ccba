/**
 * Integrations (admins): where the company's backend hears about trips, crashes, phone status,
 * SOS and shares — the destinations with their health, a dialog to add or edit one, and the
 * delivery log with its dead letters. Destinations reload every 15 s for their health.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Destination } from '../../../shared/api/notifications';
import { useConsole } from '../app/console-context';
import { DeliveryLog, NO_FILTER, type LogFilter } from '../components/integrations/DeliveryLog';
import { DestinationDialog } from '../components/integrations/DestinationDialog';
import { DestinationTable } from '../components/integrations/DestinationTable';
import { useNotificationsRefresh } from '../components/integrations/notify-changed';
import { useLoad } from '../lib/use-load';

export function IntegrationsPage() {
  const { api, isAdmin } = useConsole();
  const list = useLoad(isAdmin ? (signal) => api.destinations(signal) : null, [api, isAdmin]);
  const devices = useLoad(isAdmin ? (signal) => api.devices(signal) : null, [api, isAdmin]);
  const [editing, setEditing] = useState<Destination | 'new' | null>(null);
  const [filter, setFilter] = useState<LogFilter>(NO_FILTER);
  const [notice, setNotice] = useState('');
  const logRef = useRef<HTMLDivElement>(null);
  useNotificationsRefresh(list.reload, 15_000);

  const names = useMemo(() => new Map((devices.data ?? []).map((d) => [d.id, d.name])), [devices.data]);
  const nameOf = useCallback((id: string) => names.get(id) ?? id, [names]);

  if (!isAdmin) {
    return (
      <div className="page">
        <h1>Integrations</h1>
        <p className="muted">Only admins manage integrations. Ask an admin of your company.</p>
      </div>
    );
  }

  const showDead = (d: Destination) => {
    setFilter({ ...NO_FILTER, destination: d.id, state: 'dead' });
    logRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  return (
    <div className="page integrations-page" data-testid="integrations-page">
      <div className="page-head">
        <h1>Integrations</h1>
        <div className="page-tools">
          <button type="button" className="primary" onClick={() => setEditing('new')} data-testid="add-destination">
            Add destination
          </button>
        </div>
      </div>
      <p className="muted small page-intro">
        Your backend hears about trips, crashes, phone status, SOS and shares as they happen — by webhook, Amazon SNS, Azure Event Grid or Azure Service Bus. Each event is sent until the
        receiver accepts it; after the last retry it waits here as a dead letter.
      </p>
      {notice && (
        <p className="form-ok" role="status" data-testid="integrations-notice">
          {notice}
        </p>
      )}
      {list.error && (
        <p className="form-error" role="alert">
          Could not load the destinations. Check the connection.{' '}
          <button type="button" className="link-button" onClick={list.reload}>
            Try again
          </button>
        </p>
      )}
      <DestinationTable
        destinations={list.data?.destinations ?? null}
        loadError={list.error}
        nameOf={nameOf}
        onEdit={(d) => setEditing(d)}
        onChanged={() => list.reload()}
        onShowDead={showDead}
      />
      <div ref={logRef}>
        <DeliveryLog destinations={list.data?.destinations ?? null} filter={filter} onFilter={setFilter} nameOf={nameOf} onRedelivered={list.reload} />
      </div>
      {editing && (
        <DestinationDialog
          key={editing === 'new' ? 'new' : editing.id}
          destination={editing === 'new' ? null : editing}
          devices={devices.data}
          devicesError={devices.error}
          onClose={() => setEditing(null)}
          onSaved={(d) => {
            setNotice(editing === 'new' ? `Added “${d.name}”.` : `Saved “${d.name}”.`);
            list.reload();
          }}
          onDeleted={() => {
            setNotice(`Deleted “${editing === 'new' ? '' : editing.name}”.`);
            setFilter((f) => (editing !== 'new' && f.destination === editing.id ? NO_FILTER : f));
            list.reload();
          }}
        />
      )}
    </div>
  );
}
