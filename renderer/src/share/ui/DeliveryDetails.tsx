/** Who delivers what to whom, and until when the link works. */
import type { PublicShare } from '../../../../shared/api/shares';
import { clockTime } from '../share-format';

export function DeliveryDetails({ share, ended }: { share: PublicShare; ended: boolean }) {
  const rows: [string, string | null | undefined, string][] = [
    ['Driver', share.driver_name, 'share-driver'],
    ['For', share.recipient_name, 'share-recipient'],
    ['Order', share.order_id, 'share-order'],
    ['Deliver to', ended ? null : share.destination?.label, 'share-destination'],
    ['Notes', share.notes, 'share-notes'],
  ];
  const shown = rows.filter(([, v]) => v);
  return (
    <section className="share-details">
      {shown.length > 0 && (
        <dl>
          {shown.map(([label, value, id]) => (
            <div key={id}>
              <dt>{label}</dt>
              <dd data-testid={id}>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <p className="share-footer">
        Shared by {share.company_name}.{!ended && ` This link works until ${expiry(share.expires_at)}.`}
      </p>
    </section>
  );
}

function expiry(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? clockTime(iso) : d.toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}
