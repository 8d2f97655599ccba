/** One WebSocket to /v1/track (wss on https), authenticated as the driver. Reconnecting is the engine's job. */
import type { ServerMessage } from '../../../shared/protocol/tracking';
import { TRACK_PATH } from '../../../shared/protocol/tracking';

export interface SocketHandlers {
  onAuthenticated(): void;
  onMessage(msg: ServerMessage): void;
  /** `unauthorized`: the server refused the token (get a new one before reconnecting). */
  onClose(code: number, unauthorized: boolean): void;
}

export function trackUrl(loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${TRACK_PATH}`;
}

export class TrackSocket {
  private readonly ws: WebSocket;
  private authenticated = false;
  private unauthorized = false;
  private closed = false;

  constructor(userId: string, token: string, private readonly handlers: SocketHandlers) {
    this.ws = new WebSocket(trackUrl());
    this.ws.onopen = () => this.ws.send(JSON.stringify({ action: 'authenticate', payload: { user_id: userId, role: 'driver', token } }));
    this.ws.onmessage = (ev) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if (!this.authenticated) {
        if (msg.type === 'authenticated') {
          this.authenticated = true;
          handlers.onAuthenticated();
        } else if (msg.type === 'error' && msg.error === 'Unauthorized') {
          this.unauthorized = true;
          this.ws.close(1000, 'unauthorized');
        }
        return;
      }
      handlers.onMessage(msg);
    };
    this.ws.onclose = (ev) => this.finish(ev.code);
    this.ws.onerror = () => {
      /* a close event follows */
    };
  }

  get ready(): boolean {
    return this.authenticated && !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  send(msg: object): boolean {
    if (!this.ready) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Closes without reporting back (the engine decided). */
  close(): void {
    this.closed = true;
    try {
      this.ws.close(1000, 'bye');
    } catch {
      /* already closed */
    }
  }

  private finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.onClose(code, this.unauthorized);
  }
}
