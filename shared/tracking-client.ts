/**
 * The one client core of the Tracking API (`/v1/track`), shared by the console, the driver app,
 * the map harness and the demo fleet: the URL, authenticating on every connection, messages
 * parsed against the protocol's schemas, reconnecting with backoff and jitter, and the
 * bookkeeping of messages sent with a `seq` until the server answers them. It takes a WebSocket
 * constructor, so the browser's WebSocket and Node's `ws` both work.
 */
import type { AlertMessage, HeartbeatMessage, LocationBatchMessage } from './protocol/device';
import { parseServerMessage, type ServerMessage } from './protocol/server-messages';
import type { DriverLocationMessage, SubscribeMessage, TrackRole } from './protocol/tracking';
import { TRACK_PATH, type AckReply, type BatchDroppedFix } from './protocol/tracking';

/** What a client sends once connected (authenticate is the client's own business). */
export type ClientMessage = DriverLocationMessage | LocationBatchMessage | HeartbeatMessage | AlertMessage | SubscribeMessage;

/** What the client needs of a WebSocket; the browser's and `ws`'s both have it. */
export interface TrackingSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
}
export type TrackingSocketConstructor = new (url: string) => TrackingSocket;

const OPEN = 1;
const CLOSED = 3;
/** stop() waits this long for the server's goodbye before it gives up on it */
const CLOSE_GRACE_MS = 1000;

/** The Tracking API on the server at `origin` (`http(s)://host:port`): ws, or wss behind https. */
export function trackUrl(origin: string): string {
  return origin.replace(/^http/, 'ws') + TRACK_PATH;
}

export interface Backoff {
  minMs: number;
  maxMs: number;
  /** each wait is drawn from ± this share of it, so that clients dropped together do not come back together */
  jitter: number;
}

/** The wait before reconnect attempt `attempt` (0 first): minMs doubling up to maxMs, with jitter. */
export function backoffDelay(b: Backoff, attempt: number, random = Math.random): number {
  const base = Math.min(b.maxMs, b.minMs * 2 ** Math.max(0, attempt));
  return Math.round(base * (1 - b.jitter + 2 * b.jitter * random()));
}

/** The fixes an ack reports as dropped, one entry each (a single `driver_location` fix is index 0). */
export function droppedFixes(ack: AckReply): BatchDroppedFix[] {
  if (ack.dropped === undefined) return [];
  return Array.isArray(ack.dropped) ? ack.dropped : [{ index: 0, ...ack.dropped }];
}

/**
 * Messages sent with a `seq` and not answered yet. An `ack`, or an `error` naming the seq,
 * settles one; what the server never answers goes out again after a reconnect (clear) or a
 * silence (expire). Seqs themselves come from the sender, which may need them to outlive it.
 */
export class Unacked<T> {
  private readonly sent = new Map<number, { item: T; at: number }>();

  add(seq: number, item: T, at: number): void {
    this.sent.set(seq, { item, at });
  }

  has(seq: number): boolean {
    return this.sent.has(seq);
  }

  /** The message `seq` answers, now settled; undefined when none is waiting for it. */
  settle(seq: number): T | undefined {
    const s = this.sent.get(seq);
    this.sent.delete(seq);
    return s?.item;
  }

  /** Forgets what went out before `before` (epoch ms), so that it is sent again. */
  expire(before: number): void {
    for (const [seq, s] of this.sent) if (s.at < before) this.sent.delete(seq);
  }

  clear(): void {
    this.sent.clear();
  }

  items(): T[] {
    return [...this.sent.values()].map((s) => s.item);
  }
}

export interface TrackingClientOptions {
  WebSocket: TrackingSocketConstructor;
  url: string;
  userId: string;
  role: TrackRole;
  /** The token for the next connection, possibly fetched; null: not now (the client waits for retryNow()). */
  token(): string | null | Promise<string | null>;
  /** Entities subscribed to on every connection; the connection is ready once all are confirmed. */
  subscribe?: readonly string[];
  backoff: Backoff;
  /** The socket opened; authenticate (and subscribe) went out. */
  onOpen?(): void;
  /** Authenticated (and subscribed): messages can go out, and the next outage starts at the shortest wait. */
  onReady?(): void;
  onMessage?(message: ServerMessage): void;
  /** The server closed the connection (or it dropped): a wait instead of the backoff's, or null to wait for retryNow(). */
  onClose?(code: number, reason: string): number | null | void;
  /** What only a log needs to know: no token, a message outside the protocol, a socket error. */
  onProblem?(message: string): void;
}

/** One connection at a time to the Tracking API, kept up until stop(). */
export class TrackingClient {
  private socket: TrackingSocket | null = null;
  /** a token is being fetched for the next socket */
  private opening = false;
  private stopped = true;
  private authenticated = false;
  private unconfirmed = 0;
  private up = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: TrackingClientOptions) {}

  /** Authenticated (and subscribed) on an open socket: send() works. */
  get ready(): boolean {
    return this.up && this.socket?.readyState === OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  /** Stops for good; resolves once the socket is closed (a `ws` socket that does not close in time is cut). */
  stop(reason = 'bye'): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.drop();
    if (!ws || ws.readyState === CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const cut = setTimeout(() => {
        (ws as { terminate?: () => void }).terminate?.();
        resolve();
      }, CLOSE_GRACE_MS);
      ws.addEventListener('close', () => {
        clearTimeout(cut);
        resolve();
      });
      ws.close(1000, reason);
    });
  }

  /** Closes the connection, unreported, and waits for retryNow() (the device went offline). */
  disconnect(): void {
    clearTimeout(this.timer);
    this.drop()?.close(1000, 'offline');
  }

  /** Ends this connection as if the server had: reported to onClose, then reconnected (a refused token). */
  reconnect(reason: string): void {
    this.socket?.close(1000, reason);
  }

  /** Connects now, at the shortest waits again; nothing while connected or connecting. */
  retryNow(): void {
    if (this.stopped || this.socket || this.opening) return;
    clearTimeout(this.timer);
    this.attempt = 0;
    void this.connect();
  }

  send(message: ClientMessage): boolean {
    if (!this.ready) return false;
    this.socket!.send(JSON.stringify(message));
    return true;
  }

  private async connect(): Promise<void> {
    clearTimeout(this.timer);
    if (this.stopped || this.socket || this.opening) return;
    let token: string | null;
    this.opening = true;
    try {
      token = await this.o.token();
    } catch (err) {
      if (this.stopped) return;
      this.o.onProblem?.(`no token: ${(err as Error).message}`);
      return this.schedule(backoffDelay(this.o.backoff, this.attempt));
    } finally {
      this.opening = false;
    }
    if (this.stopped || this.socket || token === null) return;
    let ws: TrackingSocket;
    try {
      ws = new this.o.WebSocket(this.o.url);
    } catch (err) {
      this.o.onProblem?.(`cannot connect: ${(err as Error).message}`);
      return this.schedule(backoffDelay(this.o.backoff, this.attempt));
    }
    this.socket = ws;
    this.authenticated = this.up = false;
    this.unconfirmed = this.o.subscribe?.length ?? 0;
    ws.addEventListener('open', () => {
      if (ws !== this.socket) return;
      ws.send(JSON.stringify({ action: 'authenticate', payload: { user_id: this.o.userId, role: this.o.role, token } }));
      for (const entity of this.o.subscribe ?? []) ws.send(JSON.stringify({ action: 'subscribe', entity }));
      this.o.onOpen?.();
    });
    ws.addEventListener('message', (e) => {
      if (ws === this.socket) this.onMessage(e.data);
    });
    ws.addEventListener('close', (e) => {
      if (ws === this.socket) this.onClose(e.code, e.reason);
    });
    ws.addEventListener('error', (e) => {
      // A close event follows and does the work.
      if (ws === this.socket) this.o.onProblem?.(`connection error${e.message ? `: ${e.message}` : ''}`);
    });
  }

  private onMessage(data: unknown): void {
    const msg = typeof data === 'string' ? parseServerMessage(data) : null;
    if (!msg) return this.o.onProblem?.('the server sent a message outside the protocol');
    if (msg.type === 'authenticated') this.authenticated = true;
    else if (msg.type === 'subscribed' && this.unconfirmed > 0) this.unconfirmed--;
    if (!this.up && this.authenticated && this.unconfirmed === 0) {
      this.up = true;
      this.attempt = 0;
      this.o.onReady?.();
    }
    this.o.onMessage?.(msg);
  }

  private onClose(code: number, reason: string): void {
    this.drop();
    if (this.stopped) return;
    const wait = this.o.onClose?.(code, reason);
    if (wait === null || this.stopped || this.socket) return;
    this.schedule(wait ?? backoffDelay(this.o.backoff, this.attempt));
  }

  private schedule(delay: number): void {
    this.attempt++;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  /** Forgets the socket (its late events are ignored) and returns it. */
  private drop(): TrackingSocket | null {
    const ws = this.socket;
    this.socket = null;
    this.authenticated = this.up = false;
    return ws;
  }
}
