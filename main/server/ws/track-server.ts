import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ServerContext } from '../context';
import { deviceStatusUpdate, locationUpdate } from '../views';
import { CLOSE, TRACK_PATH } from '../../../shared/protocol/tracking';
import { Fanout } from './fanout';
import type { ConnectionHost } from './connection';
import { TrackConnection } from './connection';

/** Frames above MAX_MESSAGE_BYTES get BadPayload; above this, ws itself closes with 1009. */
const HARD_MAX_PAYLOAD = 1024 * 1024;

/**
 * The heartbeat visits every connection once per pingIntervalMs, but a slice at a time: pinging
 * and re-checking thousands of connections (and taking their pongs) in one go stalls the event
 * loop for a few hundred ms, which delays every driver's update and acks behind it.
 */
const MIN_SLICE_MS = 100;
const MAX_SLICES = 30;

/**
 * The WebSocket Tracking API on the HTTP server's upgrade path: connection bookkeeping,
 * per-company limits, heartbeats and the live fan-out of committed positions.
 */
export class TrackServer implements ConnectionHost {
  readonly fanout = new Fanout<TrackConnection>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: HARD_MAX_PAYLOAD, clientTracking: false });
  private readonly connections = new Set<TrackConnection>();
  private readonly perCompany = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | null = null;
  /** heartbeat slices; a connection stays in the one it joined, so it is visited every pingIntervalMs */
  private readonly slices: Set<TrackConnection>[];
  private joinSlice = 0;
  private beatSlice = 0;
  private accepting = true;

  constructor(readonly ctx: ServerContext) {
    const count = Math.max(1, Math.min(MAX_SLICES, Math.floor(ctx.config.ws.pingIntervalMs / MIN_SLICE_MS)));
    this.slices = Array.from({ length: count }, () => new Set<TrackConnection>());
    ctx.ingest.onPosition((req) => {
      if (!this.fanout.hasSubscribers(req.companyId, req.userPk)) return;
      this.fanout.publish(req.companyId, req.userPk, JSON.stringify(locationUpdate(req.userId, req.position)));
    });
    ctx.access.onChange((userPk) => {
      for (const c of this.connections) if (c.principal?.userPk === userPk) c.recheck();
    });
    // A status merges away under backpressure like a position, but in its own slot (-pk).
    ctx.deviceStatus.onChange((device, status) => {
      if (!this.fanout.hasSubscribers(device.company_id, device.pk)) return;
      this.fanout.publish(device.company_id, device.pk, JSON.stringify(deviceStatusUpdate(device.user_id, status)), -device.pk);
    });
    // Alerts are never merged away.
    ctx.alerts.onAlert((device, alert) => {
      this.fanout.publishUrgent(device.company_id, device.pk, JSON.stringify({ type: 'alert', id: device.user_id, payload: alert }));
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Takes WebSocket upgrades of `server` (the main port, and the HTTPS port when enabled). */
  attach(server: Server | import('node:https').Server): void {
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    if (this.heartbeat || !this.accepting) return;
    this.heartbeat = setInterval(() => this.beat(), this.ctx.config.ws.pingIntervalMs / this.slices.length);
    this.heartbeat.unref();
  }

  admit(conn: TrackConnection, companyId: string): { ok: true } | { ok: false; limit: number } {
    const company = this.ctx.companies.get(companyId);
    const limit = company?.max_connections ?? this.ctx.config.ws.maxConnectionsPerCompany;
    const count = this.perCompany.get(companyId) ?? 0;
    if (count >= limit) return { ok: false, limit };
    this.perCompany.set(companyId, count + 1);
    return { ok: true };
  }

  release(conn: TrackConnection): void {
    this.connections.delete(conn);
    const companyId = conn.principal?.companyId;
    if (!companyId) return;
    const count = (this.perCompany.get(companyId) ?? 1) - 1;
    if (count <= 0) this.perCompany.delete(companyId);
    else this.perCompany.set(companyId, count);
  }

  /** Refuses new connections (used first during shutdown). */
  stopAccepting(): void {
    this.accepting = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** Closes every connection with `code` and resolves when all are gone (or after a grace period). */
  async closeAll(code: number = CLOSE.goingAway, reason = 'server shutting down', graceMs = 2000): Promise<void> {
    const open = [...this.connections];
    await Promise.all(
      open.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.ws.readyState === c.ws.CLOSED) return resolve();
            const t = setTimeout(() => {
              c.ws.terminate();
              resolve();
            }, graceMs);
            c.ws.once('close', () => {
              clearTimeout(t);
              resolve();
            });
            c.ws.close(code, reason);
          }),
      ),
    );
    this.wss.close();
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== TRACK_PATH) return reject(socket, 404, 'Not Found');
    if (!this.accepting) return reject(socket, 503, 'Service Unavailable');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new TrackConnection(ws, this, req.socket.remoteAddress ?? '');
      this.connections.add(conn);
      const slice = this.slices[this.joinSlice++ % this.slices.length] as Set<TrackConnection>;
      slice.add(conn);
      ws.on('close', () => {
        this.connections.delete(conn);
        slice.delete(conn);
      });
    });
  }

  private beat(): void {
    const slice = this.slices[this.beatSlice] as Set<TrackConnection>;
    this.beatSlice = (this.beatSlice + 1) % this.slices.length;
    for (const c of slice) {
      if (!c.alive) {
        this.ctx.logger.debug({ user: c.principal?.userId, remote: c.remoteAddress }, 'dropping connection that missed a pong');
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
      c.recheck();
    }
  }
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
