/** How the console words a share: its status, ETA and expiry, and what went wrong with a share action. */
import type { Share, ShareStatus } from '../../../../shared/api/shares';
import { ApiError } from '../../api/client';
import { clockTime, etaDuration } from '../../share/share-format';

export const SHARE_STATUS_LABEL: Record<ShareStatus, string> = {
  active: 'Live',
  arriving: 'Arriving',
  arrived: 'Arrived',
  completed: 'Completed',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

const OPEN: readonly ShareStatus[] = ['active', 'arriving', 'arrived'];
export const isOpenShare = (s: Share): boolean => OPEN.includes(s.status);

/** "about 12 min (14:35)", or a dash. */
export function shareEta(s: Share): string {
  if (!s.eta || !isOpenShare(s) || s.status === 'arrived') return '—';
  return `${etaDuration(s.eta.seconds)} (${clockTime(s.eta.arrival_at)})`;
}

/** "14:35" today, else "Sat 14:35"; "ended 14:02" once ended. */
export function shareExpiry(s: Share): string {
  if (!isOpenShare(s)) return s.ended_at ? `ended ${when(s.ended_at)}` : '—';
  return when(s.expires_at);
}

function when(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? clockTime(iso) : d.toLocaleString([], { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/** A failed share action in plain words (not the server's sentence). */
export function shareProblem(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong. Try again.';
  switch (err.error) {
    case 'NetworkError':
      return 'Cannot reach the server. Check the connection and try again.';
    case 'NotFound':
      return 'This share or device no longer exists. Reload the list.';
    case 'Conflict':
    case 'InvalidAction':
      return 'This share has already ended, so it cannot be changed.';
    case 'Forbidden':
      return 'Your account may not share locations. Ask an admin.';
    case 'RateLimited':
      return 'Too many requests just now. Wait a moment and try again.';
    case 'BadRequest':
    case 'BadPayload':
      return 'The server did not accept these details. Check the fields and try again.';
    default:
      return 'The server could not do this just now. Try again.';
  }
}
