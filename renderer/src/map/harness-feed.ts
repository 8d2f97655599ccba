/**
 * The map harness's own live feed (the console's socket owner lives elsewhere): the device list
 * from REST, then live positions as an office over the WebSocket Tracking API, converted at this
 * edge to the store's SI units (km/h → m/s, ISO time → epoch ms).
 */
import type { Device } from '../../../shared/api/schemas';
import type { ServerMessage } from '../../../shared/protocol/tracking';
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
const RECONNECT_MS = 1000;

export function startHarnessFeed(store: FleetStore, o: HarnessFeedOptions): () => void {
  let stopped = false;
  let ws: WebSocket | null = null;
  let refetch: ReturnType<typeof setTimeout> | null = null;

  const loadDevices = async (): Promise<void> => {
    const res = await fetch(`${o.apiBase}/api/v1/devices`, { headers: { authorization: `Bearer ${o.token}` } });
    if (!res.ok) throw new Error(`GET /api/v1/devices: HTTP ${res.status}`);
    const list = (await res.json()) as Device[];
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

  const connect = (): void => {
    store.setConnection('connecting');
    const socket = new WebSocket(o.wsUrl);
    ws = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ action: 'authenticate', payload: { user_id: o.userId, role: 'office', token: o.token } }));
      socket.send(JSON.stringify({ action: 'subscribe', entity: 'company:drivers' }));
    };
    socket.onmessage = (ev: MessageEvent<string>) => {
      const m = JSON.parse(ev.data) as ServerMessage;
      if (m.type === 'location_update') {
        const p = positionFromUpdate(m.payload); // the console's own conversion: units once, at the edge
        if (p) store.applyPosition(m.id, p);
        o.onUpdate?.();
      }
      else if (m.type === 'subscribed') store.setConnection('online');
      else if (m.type === 'error') o.onError(`${m.error}: ${m.message}`);
    };
    socket.onclose = () => {
      store.setConnection('offline');
      if (!stopped) setTimeout(connect, RECONNECT_MS);
    };
  };

  loadDevices()
    .catch((err: Error) => o.onError(err.message))
    .finally(() => {
      if (!stopped) connect();
    });

  return () => {
    stopped = true;
    unsubscribe();
    if (refetch) clearTimeout(refetch);
    ws?.close();
  };
}
