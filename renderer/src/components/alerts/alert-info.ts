/** How an alert is named and where it stands, the same in the banner, the Alerts page and notifications. */
import type { AlertRecord } from '../../api/client';

/** "SOS", "Possible crash", "Crash confirmed", or "Possible crash — not confirmed by the filters". */
export function alertTitle(a: AlertRecord): string {
  if (a.kind === 'sos') return 'SOS';
  if (a.confirmed === true) return 'Crash confirmed';
  if (a.confirmed === false) return 'Possible crash — not confirmed by the filters';
  return 'Possible crash';
}

export type AlertStage = 'open' | 'acknowledged' | 'resolved';

export const alertState = (a: AlertRecord): AlertStage => (a.resolved_at ? 'resolved' : a.acknowledged_at ? 'acknowledged' : 'open');

export const STATE_LABEL: Record<AlertStage, string> = { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' };

/** Where to show it: its own position, else the device's last known one. */
export function alertPosition(a: AlertRecord, device?: { position: { lat: number; lng: number } | null }): { lat: number; lng: number } | null {
  if (a.lat !== null && a.lng !== null) return { lat: a.lat, lng: a.lng };
  return device?.position ? { lat: device.position.lat, lng: device.position.lng } : null;
}

/** Who acted on it, as people know them: the display name, or the user id and "(removed)" for a user deleted since. */
export function actorName(userId: string | null, name: string | null | undefined): string {
  if (userId === null) return 'someone';
  return name ?? `${userId} (removed)`;
}
