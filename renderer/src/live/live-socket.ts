/**
 * The one owner of the console's WebSocket to the Tracking API (`/v1/track`), connected as an
 * office subscribed to `company:drivers`. It feeds live positions into the fleet store,
 * reconnects with exponential backoff and jitter, and re-syncs the device list from REST on
 * every (re)connect and whenever an update names a device the list does not know yet.
 */
import type { AlertView } from '../../../shared/api/alerts';
import type { ShareChangePayload } from '../../../shared/api/shares';
import type { ServerMessage } from '../../../shared/protocol/server-messages';
import { CLOSE, COMPANY_DRIVERS } from '../../../shared/protocol/tracking';
import { TrackingClient, trackUrl, type Backoff } from '../../../shared/tracking-client';
import type { ApiClient } from '../api/client';
import type { FleetStore } from '../store/fleet-store';
import { liveDeviceFromRest, positionFromUpdate } from './convert';

/** 0.5 s doubling to 15 s, ±25 %, so that consoles do not reconnect in step. */
export const BACKOFF: Backoff = { minMs: 500, maxMs: 15_000, jitter: 0.25 };
/** Unknown ids arrive in bursts (a new fleet coming online); one re-sync covers them all. */
const UNKNOWN_RESYNC_DEBOUNCE_MS = 1_000;

export interface LiveSocketOptions {
  store: FleetStore;
  api: ApiClient;
  userId: string;
  token: string;
  /** '' for the page's own host */
  baseUrl: string;
  /** the token no longer works (expired, revoked, user disabled): the session must end */
  onAuthLost: (message: string) => void;
  /** an SOS or crash alert arrived (or changed, e.g. acknowledged elsewhere) */
  onAlert?: (alert: AlertView) => void;
  /** a share of `deviceId` was created or changed (here or in another console, or by the server) */
  onShareChange?: (deviceId: string, change: ShareChangePayload) => void;
  /** the socket is subscribed again after a (re)connect: views re-fetch what they may have missed */
  onOnline?: () => void;
}

export class LiveSocket {
  private readonly client: TrackingClient;
  private unknownTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private wasOnline = false;
  private unsubscribeStore: (() => void) | null = null;

  constructor(private readonly o: LiveSocketOptions) {
    this.client = new TrackingClient({
      WebSocket,
      url: trackUrl(o.baseUrl || location.origin),
      userId: o.userId,
      role: 'office',
      token: () => o.token,
      subscribe: [COMPANY_DRIVERS],
      backoff: BACKOFF,
      onOpen: () => void this.resync(),
      onReady: () => {
        this.wasOnline = true;
        o.store.setConnection('online');
        o.onOnline?.();
      },
      onMessage: (msg) => this.onMessage(msg),
      onClose: (code) => this.onClose(code),
    });
  }

  /** Whether this socket has been online: a later outage is "reconnecting", not "cannot reach". */
  get everOnline(): boolean {
    return this.wasOnline;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribeStore = this.o.store.subscribe(() => {
      if (this.o.store.unknownIds.size > 0 && this.unknownTimer === undefined) {
        this.unknownTimer = setTimeout(() => {
          this.unknownTimer = undefined;
          if (this.o.store.unknownIds.size > 0) void this.resync();
        }, UNKNOWN_RESYNC_DEBOUNCE_MS);
      }
    });
    window.addEventListener('online', this.onBrowserOnline);
    window.addEventListener('offline', this.onBrowserOffline);
    // The store outlives sessions: never show the previous session's state.
    this.o.store.setConnection('connecting');
    this.client.start();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.unknownTimer);
    this.unknownTimer = undefined;
    this.unsubscribeStore?.();
    window.removeEventListener('online', this.onBrowserOnline);
    window.removeEventListener('offline', this.onBrowserOffline);
    void this.client.stop('signed out');
  }

  /** Skips the rest of the backoff wait (the banner's "Retry now"). */
  retryNow(): void {
    this.client.retryNow();
  }

  /** Settles once the device list being loaded (if any) is in the store. */
  synced(): Promise<void> {
    return this.syncing ?? Promise.resolve();
  }

  /** Reloads devices with their latest positions from REST; concurrent calls share one request. */
  resync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.syncAgain = false;
          const devices = await this.o.api.devices();
          if (this.stopped) return;
          this.o.store.setDevices(devices.map((d) => liveDeviceFromRest(d)));
        } while (this.syncAgain && !this.stopped);
      } catch (err) {
        // The socket's own reconnect covers network failures; a 401 ends the session in the client.
        console.warn('device re-sync failed:', (err as Error).message);
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  private onMessage(msg: ServerMessage): void {
    switch (msg.type) {
      case 'location_update': {
        const p = positionFromUpdate(msg.payload);
        if (p) this.o.store.applyPosition(msg.id, p);
        break;
      }
      case 'device_status':
        this.o.store.applyPhoneStatus(msg.id, msg.payload);
        break;
      case 'alert':
        this.o.onAlert?.(msg.payload);
        break;
      case 'share_update':
        this.o.onShareChange?.(msg.id, msg.payload);
        break;
      case 'error':
        if (msg.error === 'Unauthorized') this.authLost('Your session is no longer valid; sign in again.');
        else console.warn(`tracking API: ${msg.error}: ${msg.message}`);
        break;
      default:
        break;
    }
  }

  private onClose(code: number): number | null | undefined {
    if (code === CLOSE.tokenExpired) return this.authLost('Your session expired; sign in again.');
    if (code === CLOSE.accessRevoked) return this.authLost('Your access was revoked or your account disabled.');
    // A drop after being online is "reconnecting"; never having reached the server is "offline".
    this.o.store.setConnection(this.wasOnline && navigator.onLine !== false ? 'connecting' : 'offline');
    return code === CLOSE.connectionLimit ? BACKOFF.maxMs : undefined;
  }

  private authLost(message: string): null {
    this.stop();
    this.o.store.setConnection('offline');
    this.o.onAuthLost(message);
    return null;
  }

  private readonly onBrowserOnline = () => this.retryNow();
  private readonly onBrowserOffline = () => this.o.store.setConnection('offline');
}
