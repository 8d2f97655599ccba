/**
 * The driver app's connection to the Tracking API: up whenever the phone is signed in
 * (heartbeats and SOS work off duty too), authenticated with a token from the device key,
 * reconnecting with backoff. The browser's `offline` event drops it at once (Chromium keeps a
 * dead socket open for minutes and just holds its frames); `online` brings it back.
 */
import type { DriverSession } from '../../../shared/api/schemas';
import type { ServerMessage } from '../../../shared/protocol/server-messages';
import { CLOSE } from '../../../shared/protocol/tracking';
import { TrackingClient, trackUrl, type ClientMessage } from '../../../shared/tracking-client';
import { ApiError } from '../api/client';
import { newSession } from './api';
import { saveDevice, type SavedDevice } from './device-store';
import type { DriverContext } from './driver-state';
import { BACKOFF } from './wire';

/** A token closer than this to its expiry is renewed before it is used. */
const TOKEN_MARGIN_MS = 60_000;

export interface ConnectionEvents {
  /** authenticated: what waits can go out */
  onReady(): void;
  onMessage(msg: ServerMessage): void;
  /** the connection is gone: what was in flight on it may never have arrived */
  onDown(): void;
  /** the device key no longer works (replaced in the console, or the driver removed) */
  onRevoked(): void;
}

export class DriverConnection {
  private client: TrackingClient | null = null;
  private token: { value: string; expiresAt: number } | null = null;

  constructor(
    private readonly ctx: DriverContext,
    private readonly events: ConnectionEvents,
  ) {}

  get ready(): boolean {
    return this.client?.ready ?? false;
  }

  send(message: ClientMessage): boolean {
    return this.client?.send(message) ?? false;
  }

  /** Follows the browser's idea of the network from now on. */
  watchNetwork(): void {
    window.addEventListener('online', () => this.client?.retryNow());
    window.addEventListener('offline', () => this.onOffline());
  }

  /** A session just redeemed: its token serves the next connection. */
  useSession(s: DriverSession): void {
    this.token = { value: s.token, expiresAt: Date.parse(s.expires_at) };
  }

  forgetSession(): void {
    this.token = null;
  }

  start(device: SavedDevice): void {
    this.client = new TrackingClient({
      WebSocket,
      url: trackUrl(location.origin),
      userId: device.user_id,
      role: 'driver',
      token: () => this.nextToken(device),
      backoff: BACKOFF,
      onReady: () => {
        this.ctx.set({ conn: 'connected' });
        this.events.onReady();
      },
      onMessage: (msg) => this.onMessage(msg),
      onClose: (code) => this.onClose(code),
    });
    this.client.start();
  }

  stop(): void {
    void this.client?.stop();
    this.client = null;
    this.events.onDown();
  }

  /** The token for the next socket: the session's, or a new one for the device key. */
  private async nextToken(device: SavedDevice): Promise<string | null> {
    if (!navigator.onLine) {
      this.ctx.set({ conn: 'offline' });
      return null; // the `online` event reconnects
    }
    this.ctx.set({ conn: 'connecting' });
    if (this.token && this.token.expiresAt - Date.now() >= TOKEN_MARGIN_MS) return this.token.value;
    let s: DriverSession;
    try {
      s = await newSession(device.device_key);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err; // tried again after the backoff
      this.events.onRevoked();
      return null;
    }
    this.useSession(s);
    // The office may have renamed the driver or changed the settings.
    this.ctx.set({ device: saveDevice(s) });
    return navigator.onLine ? s.token : null;
  }

  private onMessage(msg: ServerMessage): void {
    if (msg.type === 'error' && msg.error === 'Unauthorized' && !this.client?.ready) {
      // The token was refused: the next connection asks for a new one.
      this.token = null;
      this.client?.reconnect('unauthorized');
      return;
    }
    this.events.onMessage(msg);
  }

  private onClose(code: number): null | undefined {
    this.events.onDown();
    // 4001: the token expired; 4003: access revoked (a replaced key, a disabled driver) or
    // tokens refused: a new token from the device key tells whether the key still works.
    if (code === CLOSE.tokenExpired || code === CLOSE.accessRevoked) this.token = null;
    this.ctx.set({ conn: navigator.onLine ? 'connecting' : 'offline' });
    return navigator.onLine ? undefined : null;
  }

  private onOffline(): void {
    this.client?.disconnect();
    this.events.onDown();
    if (this.ctx.state.phase === 'signed-in') this.ctx.set({ conn: 'offline' });
  }
}
