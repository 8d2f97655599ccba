/**
 * A simulated driver's phone on the WebSocket Tracking API, behaving as a well-made tracking
 * app should: it authenticates with its device token, sends `driver_location` with a `seq`,
 * never faster than once a second, keeps every position until the server acks it (resending
 * after a silence or a reconnect), and reconnects with backoff when the connection drops.
 */
import WebSocket from 'ws';
import type { DeviceStatusPayload } from '../../shared/protocol/device';
import type { ServerMessage } from '../../shared/protocol/server-messages';
import { CLOSE, type LocationPayload } from '../../shared/protocol/tracking';
import { droppedFixes, TrackingClient, type Backoff } from '../../shared/tracking-client';

/** What the phone sends: speed in km/h, timestamp in epoch ms (device time). */
export type OutgoingLocation = Required<Pick<LocationPayload, 'lat' | 'lng' | 'speed' | 'bearing' | 'accuracy'>> & { timestamp: number };

export interface DriverSocketOptions {
  /** ws://host:port/v1/track */
  url: string;
  userId: string;
  /** a fresh driver token for each (re)connection */
  token: () => string;
  /** the server refuses a driver's updates closer than 900 ms apart; stay clear of it */
  minGapMs?: number;
  /** an unacknowledged position is sent again after this long */
  ackTimeoutMs?: number;
  /** positions kept while the server is unreachable; the oldest are dropped beyond this */
  maxPending?: number;
  /** called on errors the server reports and on connection trouble, for logging */
  onProblem?: (message: string) => void;
  /** the phone's status, sent as a `heartbeat` after each authentication and every heartbeatMs */
  status?: () => DeviceStatusPayload;
  /** default 180 s, as the driver app */
  heartbeatMs?: number;
}

interface Pending {
  seq: number;
  location: OutgoingLocation;
  /** when the copy now in flight was sent */
  sentAt: number | null;
  /** sent before (so the next send is a resend) */
  resend: boolean;
}

export interface DriverSocketStats {
  sent: number;
  acked: number;
  resent: number;
  /** sends the server refused as too soon (none, when the pacing works) */
  rateLimited: number;
  /** positions the server can never store: acked with `dropped`, or refused for good */
  dropped: number;
  connections: number;
}

/** 1 s doubling to 30 s; a demo's phones have no crowd to spread out. */
const BACKOFF: Backoff = { minMs: 1000, maxMs: 30_000, jitter: 0 };
/** an ack reaches us a little after the server timed the arrival; this covers clock granularity */
const ACK_SLACK_MS = 50;

export class DriverSocket {
  readonly stats: DriverSocketStats = { sent: 0, acked: 0, resent: 0, rateLimited: 0, dropped: 0, connections: 0 };
  /** the newest position the server confirmed it stored */
  lastAcked: OutgoingLocation | null = null;
  private readonly client: TrackingClient;
  private closing = false;
  private readonly queue: Pending[] = [];
  private nextSeq = 1;
  private lastSendAt = -Infinity;
  private lastAckAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly minGapMs: number;
  private readonly ackTimeoutMs: number;
  private readonly maxPending: number;

  constructor(private readonly options: DriverSocketOptions) {
    this.minGapMs = options.minGapMs ?? 1000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5000;
    this.maxPending = options.maxPending ?? 120;
    this.client = new TrackingClient({
      WebSocket,
      url: options.url,
      userId: options.userId,
      role: 'driver',
      token: () => options.token(),
      backoff: BACKOFF,
      onReady: () => this.onReady(),
      onMessage: (msg) => this.onMessage(msg),
      onClose: (code, reason) => this.onClose(code, reason),
      onProblem: (message) => this.problem(message),
    });
  }

  get connected(): boolean {
    return this.client.ready;
  }

  /** positions not yet acknowledged */
  get pending(): number {
    return this.queue.length;
  }

  start(): void {
    if (!this.closing) this.client.start();
  }

  /** Queues a position; it goes out as soon as the connection and the one-per-second pace allow. */
  offer(location: OutgoingLocation): void {
    if (this.closing) return;
    this.queue.push({ seq: this.nextSeq++, location, sentAt: null, resend: false });
    if (this.queue.length > this.maxPending) this.queue.splice(0, this.queue.length - this.maxPending);
    this.pump();
  }

  /** Stops for good: no more sends or reconnects; resolves when the socket is closed. */
  async close(): Promise<void> {
    this.closing = true;
    this.clearTimer();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await this.client.stop('driver signing off');
  }

  private onReady(): void {
    this.stats.connections++;
    // Whatever was in flight on the previous connection may never have arrived.
    for (const p of this.queue) if (p.sentAt !== null) p.sentAt = null;
    this.heartbeat();
    this.heartbeatTimer ??= setInterval(() => this.heartbeat(), this.options.heartbeatMs ?? 180_000);
    this.pump();
  }

  private onClose(code: number, reason: string): null | undefined {
    this.clearTimer();
    if (code !== CLOSE.accessRevoked) return undefined;
    // Disabled or deleted in the console: a real phone would show "access revoked" and stop.
    this.problem(`access revoked (${reason || code}); not reconnecting`);
    this.closing = true;
    void this.client.stop();
    return null;
  }

  private onMessage(msg: ServerMessage): void {
    if (msg.type === 'ack') {
      const i = this.queue.findIndex((p) => p.seq === msg.seq);
      if (i < 0) return; // an ack for a resent position we already dropped
      const [p] = this.queue.splice(i, 1);
      this.stats.acked++;
      this.lastAckAt = Date.now();
      const dropped = droppedFixes(msg)[0];
      if (dropped) {
        // delivered, but the server can never store it: it leaves the buffer all the same
        this.stats.dropped++;
        this.problem(`position ${msg.seq} dropped by the server: ${dropped.message}`);
      } else if (!this.lastAcked || p!.location.timestamp >= this.lastAcked.timestamp) this.lastAcked = p!.location;
      this.pump();
    } else if (msg.type === 'error') {
      this.onError(msg.error, msg.message, msg.seq);
    }
  }

  private onError(error: string, message: string, seq: number | undefined): void {
    const p = seq === undefined ? undefined : this.queue.find((q) => q.seq === seq);
    if (error === 'RateLimited' && p) {
      this.stats.rateLimited++;
      p.sentAt = null; // try again at the next slot
      this.pump();
      return;
    }
    if ((error === 'Unauthorized' || error === 'Unavailable') && p) p.sentAt = null; // kept: sent again once authenticated anew / once the server can store again
    else if (p) {
      this.queue.splice(this.queue.indexOf(p), 1); // the server will never take it
      this.stats.dropped++;
    }
    this.problem(`${error}: ${message}`);
    if (error === 'Unauthorized' && !this.client.ready) this.client.reconnect('unauthorized'); // with backoff and a new token
  }

  private heartbeat(): void {
    if (!this.options.status) return;
    this.client.send({ action: 'heartbeat', id: this.options.userId, payload: { ...this.options.status(), pending: this.queue.length } });
  }

  /**
   * Sends the next position when the pace allows, else arranges to come back when it does.
   * One position in flight at a time, and the next one leaves almost a full gap after the
   * previous one's ack too: the server times its one-a-second limit by arrival, and a delayed
   * arrival would otherwise bring two positions too close together. Newest first, so the map stays
   * live; older ones left behind by a hiccup or a reconnect go out in the free slots while
   * the vehicle stands (standing phones report less often).
   */
  private pump(): void {
    if (!this.client.ready || this.closing) return;
    const now = Date.now();
    const inFlight = this.queue.find((p) => p.sentAt !== null);
    if (inFlight && now - inFlight.sentAt! < this.ackTimeoutMs) return this.schedule(inFlight.sentAt! + this.ackTimeoutMs - now);
    if (inFlight) inFlight.sentAt = null; // no ack in time: it goes back in line
    const next = this.queue.at(-1);
    if (!next) return;
    const wait = Math.max(this.lastSendAt + this.minGapMs, this.lastAckAt + this.minGapMs - ACK_SLACK_MS) - now;
    if (wait > 0) return this.schedule(wait);
    if (next.resend) this.stats.resent++;
    next.sentAt = now;
    next.resend = true;
    this.lastSendAt = now;
    this.stats.sent++;
    this.client.send({ action: 'driver_location', id: this.options.userId, seq: next.seq, payload: next.location });
    this.schedule(this.ackTimeoutMs);
  }

  private schedule(ms: number): void {
    const at = Date.now() + Math.max(0, ms);
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(0, ms));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  private problem(message: string): void {
    this.options.onProblem?.(`${this.options.userId}: ${message}`);
  }
}
