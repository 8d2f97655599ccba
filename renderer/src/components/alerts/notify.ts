/**
 * A native notification for a new SOS or crash: through the desktop app (`window.fleetdesk.notify`,
 * shown by Electron's main process) when there is one, else the browser's Notification API —
 * only once the dispatcher has allowed it (never prompted on load: `requestBrowserNotifications`
 * runs from a button).
 */
import type { AlertRecord } from '../../api/client';
import type { LiveSocket } from '../../live/live-socket';
import { fleetStore } from '../../store/fleet';
import { alertTitle } from './alert-info';

let sent = 0;

/** How many notifications this page has handed to the desktop app or the browser. */
export const notificationsSent = (): number => sent;

/**
 * Notifies of a new alert once the device can be named: an alert that arrives right after
 * sign-in may beat the device list, so an unknown device waits for the list being loaded.
 */
export async function notifyNewAlert(a: AlertRecord, live: Pick<LiveSocket, 'synced'>): Promise<void> {
  if (!fleetStore.get(a.device_id)) await live.synced();
  notifyAlert(a, fleetStore.get(a.device_id)?.name ?? a.device_id);
}

function notifyAlert(a: AlertRecord, deviceName: string): void {
  const title = `${alertTitle(a)}: ${deviceName}`;
  const parts = [new Date(a.time).toLocaleTimeString()];
  if (a.kind === 'crash' && a.peak_g !== null) parts.push(`peak ${a.peak_g.toFixed(1)} g`);
  if (a.lat !== null && a.lng !== null) parts.push(`at ${a.lat.toFixed(5)}, ${a.lng.toFixed(5)}`);
  const body = parts.join(' · ');
  const desktop = window.fleetdesk;
  if (desktop && typeof desktop.notify === 'function') {
    sent++;
    desktop.notify({ title: title.slice(0, 200), body }).catch((err: Error) => console.warn('desktop notification failed:', err.message));
    return;
  }
  if (browserNotifications() !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag: `fleetdesk-alert-${a.id}`, requireInteraction: true });
    n.onclick = () => window.focus();
    sent++;
  } catch (err) {
    console.warn('notification failed:', (err as Error).message);
  }
}

/** 'desktop' in the app; the browser's permission; 'unsupported' without the API. */
export function browserNotifications(): 'desktop' | NotificationPermission | 'unsupported' {
  if (typeof window.fleetdesk?.notify === 'function') return 'desktop';
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export async function requestBrowserNotifications(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}
