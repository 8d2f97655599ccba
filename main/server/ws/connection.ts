import type { Writable } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { Principal } from '../auth/principal';
import { authenticateToken, stillValid } from '../auth/principal';
import type { ServerContext } from '../context';
import type { Timer } from '../clock';
import { fromAlertPayload, fromLocationBatch, fromTrackingPayload } from '../ingest/tracking-adapter';
import { DomainError, isStorageUnavailable, storageRefusal, unauthorized } from '../errors';
import { trackErrorCode } from './errors';
import type { AlertMessage } from '../../../shared/protocol/device';
import { rowToRecord } from '../store/positions';
import { deviceStatusUpdate, locationUpdate } from '../api-views';
import type { ErrorReply, ServerMessage, TrackErrorCode } from '../../../shared/protocol/tracking';
import { ACTIONS, CLOSE, COMPANY_DRIVERS, DRIVER_ENTITY_PREFIX, MAX_MESSAGE_BYTES } from '../../../shared/protocol/tracking';
import type { Fanout, Subscriber } from './fanout';
import { SendQueue } from './send-queue';
import { validators } from './validators';

/** What a connection needs from the server that owns it. */
export interface ConnectionHost {
  ctx: ServerContext;
  fanout: Fanout<TrackConnection>;
  /** Registers an authenticated connection; false when the company's limit is reached. */
  admit(conn: TrackConnection, principal: Principal): { ok: true } | { ok: false; limit: number };
  release(conn: TrackConnection): void;
  /** The connection authenticated or closed before it did: it no longer counts as pending for its address. */
  releasePending(address: string): void;
}

const MAX_FAILED_AUTH = 5;

/**
 * One WebSocket client of `/v1/track`. Messages are handled synchronously in arrival order,
 * so `subscribe` sent right after `authenticate` (before its reply) works as the seed expects.
 */
export class TrackConnection implements Subscriber {
  principal: Principal | null = null;
  /** taken out of the server's counts (closed, or pushed out by a newer connection of its driver) */
  released = false;
  companySubscribed = false;
  alive = true;
  private readonly drivers = new Set<number>();
  private readonly queue: SendQueue;
  private authTimer: Timer | null;
  private expiryTimer: Timer | null = null;
  private failedAuth = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly host: ConnectionHost,
    readonly remoteAddress: string,
    /** the upgraded socket under `ws`, so live updates of one tick leave in one write */
    socket: Pick<Writable, 'cork' | 'uncork'> | null = null,
  ) {
    const ws_ = host.ctx.config.ws;
    const clock = host.ctx.clock;
    this.queue = new SendQueue(ws, clock, {
      highWaterBytes: ws_.sendHighWaterBytes,
      slowConsumerTimeoutMs: ws_.slowConsumerTimeoutMs,
      onSlowConsumer: () => {
        const p = this.principal;
        host.ctx.logger.warn({ user: p?.userId, company: p?.companyId, remote: remoteAddress, code: CLOSE.slowConsumer }, 'closed a connection that stopped reading its messages');
        this.close(CLOSE.slowConsumer, 'too many unread messages');
      },
    }, socket);
    this.authTimer = clock.at(clock.now() + ws_.authTimeoutMs, () => this.close(CLOSE.authTimeout, 'not authenticated in time'));
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => this.dispose());
    ws.on('error', (err) => host.ctx.logger.debug({ err, remote: remoteAddress }, 'websocket error'));
  }

  sendUpdate(deviceKey: number, data: string): void {
    this.queue.push(deviceKey, data);
  }

  sendUrgent(data: string): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(data);
  }

  send(msg: ServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(msg));
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
    const t = setTimeout(() => this.ws.terminate(), 2000);
    t.unref();
  }

  /** Re-checks the user behind the connection (called on every heartbeat). */
  recheck(): void {
    if (!this.principal) return;
    if (!stillValid(this.principal, this.host.ctx.users)) this.close(CLOSE.accessRevoked, 'access revoked');
  }

  private error(error: TrackErrorCode, message: string, seq?: number): void {
    const reply: ErrorReply = { type: 'error', error, message };
    if (seq !== undefined) reply.seq = seq;
    this.send(reply);
  }

  /** A message's handling never throws out of the socket's event (that would end the process). */
  private onMessage(data: RawData, isBinary: boolean): void {
    try {
      this.handle(data, isBinary);
    } catch (err) {
      const refusal = storageRefusal(err);
      if (refusal instanceof DomainError) return this.error(trackErrorCode(refusal.kind), refusal.message, seqOfRaw(data));
      this.host.ctx.logger.error({ err, remote: this.remoteAddress }, 'a Tracking API message failed');
    }
  }

  private handle(data: RawData, isBinary: boolean): void {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (buf.length > MAX_MESSAGE_BYTES) return this.error('BadPayload', `message of ${buf.length} bytes is over the ${MAX_MESSAGE_BYTES}-byte limit`);
    if (isBinary) return this.error('BadPayload', 'messages are JSON text frames');
    let msg: unknown;
    try {
      msg = JSON.parse(buf.toString('utf8'));
    } catch {
      return this.error('BadPayload', 'message is not valid JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return this.error('BadPayload', 'a message is a JSON object');
    const action = (msg as { action?: unknown }).action;
    const seq = seqOf(msg);
    if (typeof action !== 'string') return this.error('BadPayload', 'a message needs an "action" string', seq);
    if (!(ACTIONS as readonly string[]).includes(action)) {
      return this.error('InvalidAction', `unknown action "${action.slice(0, 40)}"; expected one of ${ACTIONS.join(', ')}`, seq);
    }
    if (action === 'authenticate') return this.authenticate(msg);
    if (!this.principal) return this.error('Unauthorized', 'authenticate first', seq);
    if (action === 'driver_location') return this.driverLocation(msg);
    if (action === 'location_batch' || action === 'heartbeat' || action === 'alert') return this.driverReport(action, msg);
    return this.subscription(msg);
  }

  private authenticate(msg: unknown): void {
    if (!validators.authenticate.check(msg)) return this.error('BadPayload', validators.authenticate.problem(msg) ?? '');
    const { user_id, role, token } = msg.payload;
    let p: Principal;
    try {
      p = authenticateToken(token, this.host.ctx.tokens, this.host.ctx.users);
      if (p.userId !== user_id) throw unauthorized('user_id does not match the token');
      const roleMatches = role === p.role || (role === 'office' && p.role === 'admin');
      if (!roleMatches) throw unauthorized(`role "${role}" does not match the token`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.error('Unauthorized', err.message);
      if (++this.failedAuth >= MAX_FAILED_AUTH) this.close(CLOSE.accessRevoked, 'too many failed authentications');
      return;
    }
    if (this.principal) {
      // Re-authentication refreshes the token of the same user (e.g. before it expires).
      if (this.principal.userPk !== p.userPk) return this.error('InvalidAction', `already authenticated as ${this.principal.userId}`);
    } else {
      const admitted = this.host.admit(this, p);
      if (!admitted.ok) {
        this.error('Forbidden', `the company's limit of ${admitted.limit} connections is reached`);
        return this.close(CLOSE.connectionLimit, 'company connection limit reached');
      }
    }
    const first = !this.principal;
    if (first) this.host.releasePending(this.remoteAddress);
    this.principal = p;
    this.failedAuth = 0;
    this.authTimer?.clear();
    this.authTimer = null;
    this.expiryTimer?.clear();
    this.expiryTimer = this.host.ctx.clock.at(p.expiresAt, () => this.close(CLOSE.tokenExpired, 'token expired'));
    this.send({ type: 'authenticated', user_id: p.userId, role: p.role === 'admin' ? role : p.role, company: p.companyId });
    if (first && p.role === 'driver') this.sendHandledAlerts(p);
  }

  /** A driver's phone (re)connected: what the office did about its recent alerts, oldest first. */
  private sendHandledAlerts(p: Principal): void {
    for (const status of this.host.ctx.alerts.handledOf(p.userPk)) this.sendUrgent(JSON.stringify(status));
  }

  private driverLocation(msg: unknown): void {
    const p = this.principal as Principal;
    const seq = seqOf(msg);
    if (p.role !== 'driver') return this.error('Forbidden', 'only drivers send locations', seq);
    if (!validators.driverLocation.check(msg)) return this.error('BadPayload', validators.driverLocation.problem(msg) ?? '', seq);
    if (msg.id !== p.userId) return this.error('Forbidden', 'a driver sends locations for its own id only', seq);
    let position;
    try {
      position = fromTrackingPayload(msg.payload, this.host.ctx.clock.now());
    } catch (err) {
      return this.refused(err, seq, 'position not read');
    }
    const { ctx } = this.host;
    const device = { pk: p.userPk, company_id: p.companyId, user_id: p.userId };
    ctx.ingest.accept(device, { positions: [position] }, { source: 'ws', arrival: position.serverTime, live: true }).then(
      (out) => {
        // A duplicate is delivered (already stored): a plain ack, as for a new fix.
        const dropped = out.dropped[0];
        if (seq !== undefined) {
          // Delivered either way: a dropped fix can never be stored, so the phone must not resend it.
          this.send(dropped ? { type: 'ack', seq, dropped: { reason: dropped.reason, message: dropped.message } } : { type: 'ack', seq });
        } else if (dropped) {
          // Without a seq the seed's own error table answers.
          this.error('BadPayload', dropped.message);
        }
      },
      (err: unknown) => this.refused(err, seq, 'position not stored'),
    );
  }

  /** A report the door did not take: RateLimited is answered; a storage failure is logged and not acked (the client resends). */
  private refused(err: unknown, seq: number | undefined, what: string): void {
    if (err instanceof DomainError) {
      // A storage failure is logged once by the writer when it starts; an unexpected one here.
      if (err.kind === 'InternalError' && !isStorageUnavailable(err.cause)) this.host.ctx.logger.error({ err: err.cause ?? err }, what);
      return this.error(trackErrorCode(err.kind), err.message, seq);
    }
    this.host.ctx.logger.error({ err }, what);
  }

  /** What FleetDesk adds for its driver app: replayed fixes, heartbeats, SOS and crash alerts. */
  private driverReport(action: 'location_batch' | 'heartbeat' | 'alert', msg: unknown): void {
    const p = this.principal as Principal;
    const seq = seqOf(msg);
    if (p.role !== 'driver') return this.error('Forbidden', `only drivers send ${action}`, seq);
    const v = action === 'location_batch' ? validators.locationBatch : action === 'heartbeat' ? validators.heartbeat : validators.alert;
    if (!v.check(msg)) return this.error('BadPayload', v.problem(msg) ?? '', seq);
    const m = msg as { id: string };
    if (m.id !== p.userId) return this.error('Forbidden', `a driver sends ${action} for its own id only`, seq);
    const device = { pk: p.userPk, company_id: p.companyId, user_id: p.userId };
    const { ctx } = this.host;
    const now = ctx.clock.now();
    const ack = () => this.send({ type: 'ack', seq: seq as number });
    if (validators.heartbeat.check(msg)) {
      ctx.ingest.accept(device, { positions: [], status: msg.payload }, { source: 'ws', arrival: now }).then(
        () => seq !== undefined && ack(),
        (err: unknown) => this.refused(err, seq, 'heartbeat not stored'),
      );
      return;
    }
    if (validators.locationBatch.check(msg)) {
      const { report, indexes, unreadable } = fromLocationBatch(msg.payload.positions, now);
      ctx.ingest.accept(device, report, { source: 'ws', arrival: now }).then(
        (out) => {
          const dropped = [...unreadable, ...out.dropped.map((d) => ({ ...d, index: indexes[d.index] as number }))].sort((a, b) => a.index - b.index);
          this.send(dropped.length > 0 ? { type: 'ack', seq: seq as number, dropped } : { type: 'ack', seq: seq as number });
        },
        (err: unknown) => this.refused(err, seq, 'batch not stored'), // no ack: the phone keeps the fixes and resends
      );
      return;
    }
    let report;
    try {
      report = fromAlertPayload((msg as AlertMessage).payload);
    } catch (err) {
      return this.refused(err, seq, 'alert not read');
    }
    ctx.ingest.accept(device, report, { source: 'ws', arrival: now }).then(ack, (err: unknown) => this.refused(err, seq, 'alert not stored'));
  }

  private subscription(msg: unknown): void {
    const p = this.principal as Principal;
    if (p.role === 'driver') return this.error('Forbidden', 'drivers cannot subscribe');
    if (!validators.subscribe.check(msg)) return this.error('BadPayload', validators.subscribe.problem(msg) ?? '');
    const { action, entity } = msg;
    const { fanout, ctx } = this.host;
    if (entity === COMPANY_DRIVERS) {
      if (action === 'subscribe') {
        fanout.subscribeCompany(this, p.companyId);
        this.companySubscribed = true;
        this.send({ type: 'subscribed', entity });
        for (const row of ctx.positions.latestOfCompanyDevices(p.companyId)) {
          this.sendUpdate(row.user_pk, JSON.stringify(locationUpdate(row.user_id, rowToRecord(row))));
        }
        const ids = new Map(ctx.users.list(p.companyId, 'driver').map((u) => [u.pk, u.user_id]));
        for (const [pk, status] of ctx.deviceStatus.ofCompany(p.companyId)) {
          const id = ids.get(pk);
          if (id) this.sendUpdate(-pk, JSON.stringify(deviceStatusUpdate(id, status)));
        }
      } else {
        fanout.unsubscribeCompany(this, p.companyId);
        this.companySubscribed = false;
        this.send({ type: 'unsubscribed', entity });
      }
      return;
    }
    if (!entity.startsWith(DRIVER_ENTITY_PREFIX)) return this.error('BadPayload', 'entity must be "driver:<id>" or "company:drivers"');
    const driverId = entity.slice(DRIVER_ENTITY_PREFIX.length);
    const driver = ctx.users.get(p.companyId, driverId);
    if (!driver || driver.role !== 'driver') return this.error('Forbidden', `no driver "${driverId.slice(0, 64)}" in your company`);
    if (action === 'subscribe') {
      fanout.subscribeDriver(this, driver.pk);
      this.drivers.add(driver.pk);
      this.send({ type: 'subscribed', entity });
      const last = ctx.positions.latest(driver.pk);
      if (last) this.sendUpdate(driver.pk, JSON.stringify(locationUpdate(driver.user_id, rowToRecord(last))));
      const status = ctx.deviceStatus.get(driver.pk);
      if (status) this.sendUpdate(-driver.pk, JSON.stringify(deviceStatusUpdate(driver.user_id, status)));
    } else {
      fanout.unsubscribeDriver(this, driver.pk);
      this.drivers.delete(driver.pk);
      this.send({ type: 'unsubscribed', entity });
    }
  }

  private dispose(): void {
    if (!this.principal) this.host.releasePending(this.remoteAddress);
    this.authTimer?.clear();
    this.expiryTimer?.clear();
    this.queue.close();
    if (this.principal) {
      this.host.fanout.unsubscribeCompany(this, this.principal.companyId);
      for (const d of this.drivers) this.host.fanout.unsubscribeDriver(this, d);
      this.host.release(this);
    }
  }
}

/** The message's `seq` when it is a valid one, so every error about it can echo it. */
function seqOf(msg: unknown): number | undefined {
  const raw = (msg as { seq?: unknown }).seq;
  return Number.isSafeInteger(raw) && (raw as number) >= 0 ? (raw as number) : undefined;
}

/** The seq of a raw frame, for an error about a message whose handling failed part-way. */
function seqOfRaw(data: RawData): number | undefined {
  try {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const msg: unknown = JSON.parse(buf.toString('utf8'));
    return typeof msg === 'object' && msg !== null ? seqOf(msg) : undefined;
  } catch {
    return undefined;
  }
}
