/**
 * Fetches the open alerts (GET /alerts?open=true) into the store; an alert not shown before
 * sounds the alarm. Runs on every (re)connect and, while alerts are open, every 30 s so an
 * alert acknowledged in another console leaves this one too.
 */
import type { ApiClient } from '../../api/client';
import { fleetStore } from '../../store/fleet';
import { playAlarm } from './alarm';
import { notifyAlert } from './notify';
import type { AlertStore } from './alert-store';

export const OPEN_ALERTS_REFRESH_MS = 30_000;

export async function syncOpenAlerts(api: ApiClient, alerts: AlertStore): Promise<void> {
  try {
    const mark = alerts.mark();
    const list = await api.openAlerts();
    const fresh = list.filter((a) => alerts.isNew(a));
    if (fresh.length) playAlarm();
    for (const a of fresh) notifyAlert(a, fleetStore.get(a.device_id)?.name ?? a.device_id);
    alerts.load(list, mark);
  } catch (err) {
    console.warn('alerts not loaded:', (err as Error).message);
  }
}
