/**
 * The map harness's own live feed (the console's socket owner lives elsewhere): the device list
 * from REST, then live positions as an office over the WebSocket Tracking API, converted at this
 * edge to the store's SI units (km/h → m/s, ISO time → epoch ms).
 */
import type { Device } from '../../../shared/api/schemas';
import { COMPANY_DRIVERS } from '../../../shared/protocol/tracking';
import { TrackingClient, type Backoff } from '../../../shared/tracking-client';
import { request } from '../api/client';
import { liveDeviceFromRest, positionFromUpdate } from '../live/convert';
import type { FleetStore } from '../store/fleet-store';

export interface HarnessFeedOptions {
  token: string;
  userId: string;
  /** ws://host:port/v1/track */
  wsUrl: string;
  /** origin of the REST API ('' for this page's origin) */
  apiBase: string;
  onError(message: string): void;
  /** called for every live location_update (the benchmark counts them) */
  onUpdate?(): void;
}

const REFETCH_MS = 1000;
/** A test page: back after a second, every time. */
const RECONNECT: Backoff = { minMs: 1000, maxMs: 1000, jitter: 0 };

export function startHarnessFeed(store: FleetStore, o: HarnessFeedOptions): () => void {
  let stopped = false;
  let refetch: ReturnType<typeof setTimeout> | null = null;

  const loadDevices = async (): Promise<void> => {
    const list = await request<Device[]>(o.apiBase, 'GET', '/devices', { token: o.token });
    if (!stopped) store.setDevices(list.map((d) => liveDeviceFromRest(d)));
  };

  // Live updates of devices the list does not know yet: fetch the list again, at most once a second.
  const unsubscribe = store.subscribe(() => {
    if (store.unknownIds.size === 0 || refetch) return;
    refetch = setTimeout(() => {
      refetch = null;
      loadDevices().catch((err: Error) => o.onError(err.message));
    }, REFETCH_MS);
  });

  const client = new TrackingClient({
    WebSocket,
    url: o.wsUrl,
    userId: o.userId,
    role: 'office',
    token: () => o.token,
    subscribe: [COMPANY_DRIVERS],
    backoff: RECONNECT,
    onReady: () => store.setConnection('online'),
    onMessage: (m) => {
      if (m.type === 'location_update') {
        const p = positionFromUpdate(m.payload); // the console's own conversion: units once, at the edge
        if (p) store.applyPosition(m.id, p);
        o.onUpdate?.();
      } else if (m.type === 'error') o.onError(`${m.error}: ${m.message}`);
    },
    onClose: () => store.setConnection('offline'),
  });

  store.setConnection('connecting');
  loadDevices()
    .catch((err: Error) => o.onError(err.message))
    .finally(() => {
      if (!stopped) client.start();
    });

  return () => {
    stopped = true;
    unsubscribe();
    if (refetch) clearTimeout(refetch);
    void client.stop();
  };
}
