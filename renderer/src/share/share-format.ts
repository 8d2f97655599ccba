/** What the share page says, in plain words: the status, the ETA and the age of the last update. */
import type { ShareStatus } from '../../../shared/api/shares';

/** No update for this long: the position shown may be out of date. */
export const STALE_AFTER_MS = 2 * 60_000;

export interface StatusText {
  title: string;
  detail: string;
  tone: 'moving' | 'near' | 'done' | 'ended';
}

export function statusText(status: ShareStatus, driver: string | null): StatusText {
  const who = driver ?? 'Your driver';
  switch (status) {
    case 'active':
      return { title: 'On the way', detail: `${who} is on the way to you.`, tone: 'moving' };
    case 'arriving':
      return { title: 'Almost there', detail: `${who} is close to you now.`, tone: 'near' };
    case 'arrived':
      return { title: 'Arrived', detail: `${who} has arrived.`, tone: 'near' };
    case 'completed':
      return { title: 'Delivered', detail: 'This delivery is complete. Thank you!', tone: 'done' };
    case 'cancelled':
      return { title: 'Tracking stopped', detail: 'The sender stopped sharing this delivery. Contact them if you have questions.', tone: 'ended' };
    case 'expired':
      return { title: 'This link has expired', detail: 'Live tracking for this delivery has ended.', tone: 'ended' };
  }
}

/** "less than a minute", "about 12 min", "about 1 h 20 min". */
export function etaDuration(seconds: number): string {
  const min = Math.round(seconds / 60);
  if (min < 1) return 'less than a minute';
  if (min < 60) return `about ${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m === 0 ? `about ${h} h` : `about ${h} h ${m} min`;
}

/** The arrival clock time in the viewer's own time zone, e.g. "14:35". */
export function clockTime(iso: string | number): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** "just now", "12 s ago", "3 min ago", "2 h ago". */
export function updatedAgo(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ago`;
}

/** "350 m", "4.2 km", "18 km". */
export function distance(m: number): string {
  if (m < 1000) return `${Math.round(m / 10) * 10} m`;
  const km = m / 1000;
  return `${km < 10 ? km.toFixed(1) : Math.round(km)} km`;
}
