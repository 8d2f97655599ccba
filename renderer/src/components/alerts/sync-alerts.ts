/**
 * Fetches the open alerts (GET /alerts?open=true) into the store; an alert not shown before
 * sounds the alarm. Runs on every (re)connect and, while alerts are open, every 30 s so an
 * alert acknowledged in another console leaves this one too.
 */
import type { ApiClient } from '../../api/client';
import type { LiveSocket } from '../../live/live-socket';
import { playAlarm } from './alarm';
import { notifyNewAlert } from './notify';
import type { AlertStore } from './alert-store';

export const OPEN_ALERTS_REFRESH_MS = 30_000;

export async function syncOpenAlerts(api: ApiClient, alerts: AlertStore, live: Pick<LiveSocket, 'synced'>): Promise<void> {
  try {
    const mark = alerts.mark();
    const list = await api.openAlerts();
    const fresh = list.filter((a) => alerts.isNew(a));
    if (fresh.length) playAlarm();
    for (const a of fresh) void notifyNewAlert(a, live);
    alerts.load(list, mark);
  } catch (err) {
    console.warn('alerts not loaded:', (err as Error).message);
  }
}
