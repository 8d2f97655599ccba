import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import './receiver-memory';
import type { ServerContext } from '../context';
import type { CommittedFix } from '../ingest/stages';
import { deviceStatusUpdate, locationUpdate } from '../api-views';
import { CLOSE, TRACK_PATH } from '../../../shared/protocol/tracking';
import type { ShareNotice } from '../../../shared/protocol/server-messages';
import { Fanout } from './fanout';
import type { Principal } from '../auth/principal';
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
  /** drivers' connections per company (they may not take the office reserve) */
  private readonly driversPerCompany = new Map<string, number>();
  /** each driver's connections, oldest first */
  private readonly perDriver = new Map<number, TrackConnection[]>();
  /** connections not authenticated yet, per remote address */
  private readonly pending = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | null = null;
  /** heartbeat slices; a connection stays in the one it joined, so it is visited every pingIntervalMs */
  private readonly slices: Set<TrackConnection>[];
  private joinSlice = 0;
  private beatSlice = 0;
  private accepting = true;

  constructor(readonly ctx: ServerContext) {
    const count = Math.max(1, Math.min(MAX_SLICES, Math.floor(ctx.config.ws.pingIntervalMs / MIN_SLICE_MS)));
    this.slices = Array.from({ length: count }, () => new Set<TrackConnection>());
    ctx.access.onChange((userPk) => {
      for (const c of this.connections) if (c.principal?.userPk === userPk) c.recheck();
    });
    // A status merges away under backpressure like a position, but in its own slot (-pk).
    ctx.deviceStatus.onChange((device, status) => {
      if (!this.fanout.hasSubscribers(device.company_id, device.pk)) return;
      this.fanout.publish(device.company_id, device.pk, JSON.stringify(deviceStatusUpdate(device.user_id, status)), -device.pk);
    });
    // Shares created or changed: a small notice (the console reloads the share over REST), never merged away.
    ctx.shares.onShareChange((share) => {
      const notice: ShareNotice = { type: 'share_update', id: share.device_id, payload: { share_id: share.id, status: share.status } };
      this.fanout.publishUrgent(share.company_id, share.user_pk, JSON.stringify(notice));
    });
    // Alerts are never merged away. The driver's own phones hear when the office handled one.
    ctx.alerts.onAlert((device, alert) => {
      this.fanout.publishUrgent(device.company_id, device.pk, JSON.stringify({ type: 'alert', id: device.user_id, payload: alert }));
      if (!alert.acknowledged_at || !this.perDriver.has(device.pk)) return;
      const status = ctx.alerts.driverStatus(alert.id);
      if (!status) return;
      const data = JSON.stringify(status);
      for (const c of this.perDriver.get(device.pk) ?? []) c.sendUrgent(data);
    });
  }

  /** The live fan-out stage (ingest/stages.ts): a committed fix to the offices subscribed to its device. */
  publishPosition(fix: CommittedFix): void {
    if (!this.fanout.hasSubscribers(fix.companyId, fix.userPk)) return;
    this.fanout.publish(fix.companyId, fix.userPk, JSON.stringify(locationUpdate(fix.userId, fix.position)));
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

  /**
   * Registers an authenticated connection. A company's limit keeps a reserve for office and
   * admin users, so drivers cannot lock the dispatchers out; a driver over its own cap makes
   * room by closing its oldest connection (a phone reconnecting before its old socket died).
   */
  admit(conn: TrackConnection, p: Principal): { ok: true } | { ok: false; limit: number } {
    const ws = this.ctx.config.ws;
    const companyId = p.companyId;
    const company = this.ctx.companies.get(companyId);
    const limit = company?.max_connections ?? ws.maxConnectionsPerCompany;
    const driver = p.role === 'driver';
    if (driver) {
      const own = this.perDriver.get(p.userPk) ?? [];
      if (own.length >= ws.maxConnectionsPerDriver) {
        const oldest = own[0] as TrackConnection;
        oldest.close(CLOSE.connectionLimit, 'a newer connection of this driver took its place');
        this.forget(oldest);
      }
    }
    const counted = this.perCompany.get(companyId) ?? 0;
    const reserve = limit <= 1 ? 0 : Math.min(50, Math.max(1, Math.ceil(limit * ws.officeReserveShare)));
    if (counted >= limit || (driver && (this.driversPerCompany.get(companyId) ?? 0) >= limit - reserve)) return { ok: false, limit };
    this.perCompany.set(companyId, counted + 1);
    if (driver) {
      this.driversPerCompany.set(companyId, (this.driversPerCompany.get(companyId) ?? 0) + 1);
      const own = this.perDriver.get(p.userPk) ?? [];
      own.push(conn);
      this.perDriver.set(p.userPk, own);
    }
    return { ok: true };
  }

  release(conn: TrackConnection): void {
    this.connections.delete(conn);
    this.forget(conn);
  }

  /** Takes an authenticated connection out of the counts (once). */
  private forget(conn: TrackConnection): void {
    const p = conn.principal;
    if (!p || conn.released) return;
    conn.released = true;
    const dec = (m: Map<string, number>) => {
      const n = (m.get(p.companyId) ?? 1) - 1;
      if (n <= 0) m.delete(p.companyId);
      else m.set(p.companyId, n);
    };
    dec(this.perCompany);
    if (p.role !== 'driver') return;
    dec(this.driversPerCompany);
    const own = (this.perDriver.get(p.userPk) ?? []).filter((c) => c !== conn);
    if (own.length === 0) this.perDriver.delete(p.userPk);
    else this.perDriver.set(p.userPk, own);
  }


  /** The connection authenticated or closed: it no longer counts as pending. */
  releasePending(address: string): void {
    const n = (this.pending.get(address) ?? 1) - 1;
    if (n <= 0) this.pending.delete(address);
    else this.pending.set(address, n);
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
    const address = req.socket.remoteAddress ?? '';
    // Unauthenticated sockets cost memory and a timer each: a bounded number per address.
    if ((this.pending.get(address) ?? 0) >= this.ctx.config.ws.maxPendingPerAddress) {
      return reject(socket, 429, 'Too Many Requests', { error: 'RateLimited', message: 'too many connections from this address are waiting to authenticate; try again shortly' });
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.pending.set(address, (this.pending.get(address) ?? 0) + 1);
      const conn = new TrackConnection(ws, this, address, socket);
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

/** Refuses an upgrade with a plain HTTP answer (the API's `{error, message}` body when given). */
function reject(socket: Duplex, status: number, text: string, body?: { error: string; message: string }): void {
  const json = body ? JSON.stringify(body) : '';
  const type = body ? 'Content-Type: application/json; charset=utf-8\r\n' : '';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${type}Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
}
