/**
 * What the office did about the phone's newest SOS or crash alert (`alert_status`): "Help is on
 * the way — Operations acknowledged at 14:02", then "Resolved by Operations: <note>".
 */
import type { AlertStatusPayload } from '../../../../shared/protocol/server-messages';
import { hourMinute } from './format';

export function OfficeReply({ status }: { status: AlertStatusPayload }) {
  const what = status.kind === 'sos' ? 'your SOS' : 'your crash alert';
  const acker = status.acknowledged_by_name ?? 'The office';
  if (status.state === 'resolved') {
    const resolver = status.resolved_by_name ?? 'the office';
    return (
      <div className="drv-office drv-office-resolved" role="status" data-testid="office-reply" data-state="resolved">
        <strong>
          Resolved by {resolver}
          {status.note ? ':' : ''}
        </strong>{' '}
        {status.note && <span data-testid="office-note">{status.note}</span>}
        <span className="drv-office-time">
          {status.resolved_at && `Closed at ${hourMinute(Date.parse(status.resolved_at))} · `}
          {acker} acknowledged {what} at {hourMinute(Date.parse(status.acknowledged_at))}
        </span>
      </div>
    );
  }
  return (
    <div className="drv-office drv-office-acknowledged" role="status" data-testid="office-reply" data-state="acknowledged">
      <strong>Help is on the way</strong> — {acker} acknowledged {what} at {hourMinute(Date.parse(status.acknowledged_at))}.
    </div>
  );
}
