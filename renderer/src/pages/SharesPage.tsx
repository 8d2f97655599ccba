/**
 * The company's live location shares: status, device, recipient, order, ETA and expiry, with
 * one-click Complete, Cancel and Extend. The list loads again at once when a share changes
 * anywhere (the Tracking API's share_update), and every 30 s for the ETAs.
 */
import { useMemo, useState } from 'react';
import type { Share } from '../../../shared/api/shares';
import { useConsole } from '../app/console-context';
import { ShareActions } from '../components/shares/ShareActions';
import { SHARE_STATUS_LABEL, isOpenShare, shareEta, shareExpiry } from '../components/shares/share-labels';
import { useSharesRefresh } from '../components/shares/shares-changed';
import { useThrottledFleetVersion } from '../lib/use-fleet';
import { useLoad } from '../lib/use-load';

type Filter = 'open' | 'all';

export function SharesPage() {
  const { api, store } = useConsole();
  const [filter, setFilter] = useState<Filter>('open');
  const [query, setQuery] = useState('');
  const shares = useLoad((signal) => api.shares({ status: 'all' }, signal), [api]);
  useSharesRefresh(shares.reload);
  useThrottledFleetVersion(store, 5000); // device names

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (shares.data ?? [])
      .filter((s) => filter === 'all' || isOpenShare(s))
      .filter((s) => !q || [s.recipient_name, s.order_id, s.device_id, store.get(s.device_id)?.name].some((v) => v?.toLowerCase().includes(q)));
  }, [shares.data, filter, query, store]);
  const count = (f: Filter) => (shares.data ?? []).filter((s) => f === 'all' || isOpenShare(s)).length;

  return (
    <div className="page shares-page">
      <div className="page-head">
        <h1>Shares</h1>
        <div className="page-tools">
          <input type="search" className="search" placeholder="Search recipient or order" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search shares" />
          <div className="segmented" role="group" aria-label="Which shares">
            {(['open', 'all'] as const).map((f) => (
              <button key={f} type="button" className={filter === f ? 'active' : undefined} aria-pressed={filter === f} onClick={() => setFilter(f)} data-testid={`shares-filter-${f}`}>
                {f === 'open' ? 'Open' : 'All'}
                <span className="count">{count(f)}</span>
              </button>
            ))}
          </div>
        </div>
      </div>
      <p className="muted small shares-intro">Share a driver’s live location from the map: select the driver, then “Share live location”.</p>
      {shares.error && (
        <p className="form-error" role="alert">
          Could not load the shares. Check the connection.{' '}
          <button type="button" className="link-button" onClick={shares.reload}>
            Try again
          </button>
        </p>
      )}
      <div className="card table-card">
        <table className="table" data-testid="shares-table">
          <thead>
            <tr>
              <th>Status</th>
              <th>Device</th>
              <th>Recipient</th>
              <th>Order</th>
              <th>ETA</th>
              <th>Link works until</th>
              <th className="actions-col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shares.data === null && !shares.error && (
              <tr>
                <td colSpan={7} className="muted">
                  Loading…
                </td>
              </tr>
            )}
            {shares.data !== null && shown.length === 0 && (
              <tr>
                <td colSpan={7} className="muted">
                  {query ? 'No shares match.' : filter === 'open' ? 'No open shares.' : 'No shares yet.'}
                </td>
              </tr>
            )}
            {shown.map((s) => (
              <ShareRow key={s.id} share={s} deviceName={store.get(s.device_id)?.name ?? null} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function ShareRow({ share: s, deviceName }: { share: Share; deviceName: string | null }) {
  return (
    <tr data-testid="share-row" data-share-id={s.id} data-status={s.status} className={isOpenShare(s) ? undefined : 'disabled'}>
      <td className="share-status-cell">
        <span className={`share-status status-${s.status}`} data-testid="share-row-status">
          {SHARE_STATUS_LABEL[s.status]}
        </span>
      </td>
      <td className="share-device-cell">
        <strong>{deviceName ?? s.device_id}</strong>
        {deviceName && <div className="muted small">{s.device_id}</div>}
      </td>
      <td data-label="Recipient">{s.recipient_name || <span className="muted">—</span>}</td>
      <td data-label="Order">{s.order_id || <span className="muted">—</span>}</td>
      <td className="small" data-label="ETA">
        {shareEta(s)}
      </td>
      <td className="small" data-label="Link works until">
        {shareExpiry(s)}
      </td>
      <td className="share-actions-cell">
        <ShareActions share={s} />
      </td>
    </tr>
  );
}
