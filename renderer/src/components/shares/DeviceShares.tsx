/** The device panel's "Shares" section: this device's open shares and "Share live location". */
import { useConsole } from '../../app/console-context';
import { routeHref } from '../../app/use-hash-route';
import { useLoad } from '../../lib/use-load';
import { ShareActions } from './ShareActions';
import { SHARE_STATUS_LABEL, shareEta, shareExpiry } from './share-labels';
import { useSharesRefresh } from './shares-changed';

export function DeviceShares(props: { deviceId: string; onShare: () => void }) {
  const { api } = useConsole();
  const shares = useLoad((signal) => api.shares({ device_id: props.deviceId, status: 'open' }, signal), [api, props.deviceId]);
  useSharesRefresh(shares.reload);

  return (
    <section className="panel-section" data-testid="device-shares">
      <div className="section-head">
        <h3>Shares</h3>
        <button type="button" onClick={props.onShare} data-testid="share-location">
          Share live location
        </button>
      </div>
      {shares.error && !shares.data && <p className="muted small">Could not load this device’s shares.</p>}
      {shares.data && shares.data.length === 0 && <p className="muted small">No open shares. Share the live location with a customer to let them follow the delivery.</p>}
      {shares.data && shares.data.length > 0 && (
        <ul className="device-share-list">
          {shares.data.map((s) => (
            <li key={s.id} data-testid="device-share" data-share-id={s.id}>
              <div className="device-share-head">
                <span className={`share-status status-${s.status}`}>{SHARE_STATUS_LABEL[s.status]}</span>
                <strong>{s.recipient_name || 'No recipient'}</strong>
                {s.order_id && <span className="muted">· {s.order_id}</span>}
              </div>
              <div className="muted small">
                {shareEta(s) !== '—' && `ETA ${shareEta(s)} · `}link works until {shareExpiry(s)}
              </div>
              <ShareActions share={s} compact />
            </li>
          ))}
        </ul>
      )}
      {shares.data && shares.data.length > 0 && (
        <a className="small" href={routeHref('shares')}>
          All shares
        </a>
      )}
    </section>
  );
}
