/** The new share's link: copy it, scan it, open it; and which address the link uses. */
import type { ShareCreated, ShareSettingsAnswer } from '../../../../shared/api/shares';
import { CopyField } from '../phones/CopyField';
import { QrCode } from '../phones/QrCode';
import { clockTime } from '../../share/share-format';

export function ShareResult(props: { created: ShareCreated; recipient: string; base: ShareSettingsAnswer | null; onDone: () => void }) {
  const { created } = props;
  return (
    <div className="share-result" data-testid="share-result">
      <p>
        Send this link to {props.recipient.trim() || 'the customer'}. It works until <strong>{expiry(created.expires_at)}</strong>, or until the delivery ends.
      </p>
      <div className="connect-grid">
        <div className="connect-fields">
          <CopyField label="Share link" value={created.share_url} testId="share-url" wrap />
          <div className="form-actions">
            <a className="button" href={created.share_url} target="_blank" rel="noopener noreferrer" data-testid="share-open">
              Open in browser
            </a>
          </div>
          <BaseNote base={props.base} />
          <p className="small muted">The link is shown only now: FleetDesk keeps no copy of it. Copy it before you close this window.</p>
        </div>
        <QrCode value={created.share_url} label="Scan to open on a phone" testId="share-qr" size={168} />
      </div>
      <div className="form-actions">
        <button type="button" className="primary" onClick={props.onDone} data-testid="share-done">
          Done
        </button>
      </div>
    </div>
  );
}

function BaseNote({ base }: { base: ShareSettingsAnswer | null }) {
  if (!base) return null;
  const text =
    base.base_url_source === 'setting'
      ? 'The link uses the public address set in Settings.'
      : base.base_url_source === 'lan'
        ? 'The link uses this server’s address on the local network: it opens only on devices on the same network. To reach customers anywhere, publish the server and set its public address in Settings.'
        : 'The link uses this computer’s own address: only this computer can open it. Set a public address in Settings to send links to customers.';
  return (
    <p className={base.base_url_source === 'setting' ? 'small muted' : 'notice small'} data-testid="share-base-note">
      {text}
    </p>
  );
}

function expiry(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? clockTime(iso) : d.toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}
