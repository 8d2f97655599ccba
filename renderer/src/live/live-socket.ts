/**
 * The one owner of the console's WebSocket to the Tracking API (`/v1/track`), connected as an
 * office subscribed to `company:drivers`. It feeds live positions into the fleet store,
 * reconnects with exponential backoff and jitter, and re-syncs the device list from REST on
 * every (re)connect and whenever an update names a device the list does not know yet.
 */
import type { ServerMessage } from '../../../shared/protocol/tracking';
import { CLOSE, COMPANY_DRIVERS, TRACK_PATH } from '../../../shared/protocol/tracking';
import type { ApiClient } from '../api/client';
import type { FleetStore } from '../store/fleet-store';
import type { AlertView } from '../../../shared/api/alerts';
import { alertFromNotice, liveDeviceFromRest, phoneStatusFromUpdate, positionFromUpdate } from './convert';

export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 15_000;
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
  /** the socket is subscribed again after a (re)connect: views re-fetch what they may have missed */
  onOnline?: () => void;
}

export function trackUrl(baseUrl: string): string {
  if (baseUrl) return baseUrl.replace(/^http/, 'ws') + TRACK_PATH;
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${TRACK_PATH}`;
}

/** Exponential backoff, 0.5 s doubling to 15 s, with ±25 % jitter so consoles do not reconnect in step. */
export function backoffDelay(attempt: number, random = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  return Math.round(base * (0.75 + random() * 0.5));
}

export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private unknownTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private wasOnline = false;
  private unsubscribeStore: (() => void) | null = null;

  constructor(private readonly o: LiveSocketOptions) {}

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
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.unknownTimer);
    this.unknownTimer = undefined;
    this.unsubscribeStore?.();
    window.removeEventListener('online', this.onBrowserOnline);
    window.removeEventListener('offline', this.onBrowserOffline);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      ws.close(1000, 'signed out');
    }
  }

  /** Skips the rest of the backoff wait (the banner's "Retry now"). */
  retryNow(): void {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.connect();
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

  private connect(): void {
    if (this.stopped) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(trackUrl(this.o.baseUrl));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ action: 'authenticate', payload: { user_id: this.o.userId, role: 'office', token: this.o.token } }));
      ws.send(JSON.stringify({ action: 'subscribe', entity: COMPANY_DRIVERS }));
      void this.resync();
    };
    ws.onmessage = (e) => this.onMessage(e.data);
    ws.onclose = (e) => this.onClose(ws, e.code);
    // onerror is always followed by onclose, which does the work.
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    switch (msg.type) {
      case 'location_update': {
        const p = msg.payload && positionFromUpdate(msg.payload);
        if (p && typeof msg.id === 'string') this.o.store.applyPosition(msg.id, p);
        break;
      }
      case 'device_status': {
        const status = phoneStatusFromUpdate(msg.payload);
        if (status && typeof msg.id === 'string') this.o.store.applyPhoneStatus(msg.id, status);
        break;
      }
      case 'alert': {
        const alert = alertFromNotice(msg.payload);
        if (alert) this.o.onAlert?.(alert);
        break;
      }
      case 'subscribed':
        this.attempt = 0;
        this.wasOnline = true;
        this.o.store.setConnection('online');
        this.o.onOnline?.();
        break;
      case 'error':
        if (msg.error === 'Unauthorized') this.authLost('Your session is no longer valid; sign in again.');
        else console.warn(`tracking API: ${msg.error}: ${msg.message}`);
        break;
      default:
        break;
    }
  }

  private onClose(ws: WebSocket, code: number): void {
    if (ws !== this.ws) return;
    this.ws = null;
    if (this.stopped) return;
    if (code === CLOSE.tokenExpired) return this.authLost('Your session expired; sign in again.');
    if (code === CLOSE.accessRevoked) return this.authLost('Your access was revoked or your account disabled.');
    // A drop after being online is "reconnecting"; never having reached the server is "offline".
    this.o.store.setConnection(this.wasOnline && navigator.onLine !== false ? 'connecting' : 'offline');
    this.scheduleReconnect(code === CLOSE.connectionLimit ? BACKOFF_MAX_MS : undefined);
  }

  private scheduleReconnect(delay = backoffDelay(this.attempt)): void {
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private authLost(message: string): void {
    this.stop();
    this.o.store.setConnection('offline');
    this.o.onAuthLost(message);
  }

  private readonly onBrowserOnline = () => this.retryNow();
  private readonly onBrowserOffline = () => this.o.store.setConnection('offline');
}
