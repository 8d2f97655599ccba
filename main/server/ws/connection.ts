import type { RawData, WebSocket } from 'ws';
import type { Principal } from '../auth/principal';
import { AuthError, authenticateToken, stillValid } from '../auth/principal';
import type { ServerContext } from '../context';
import type { Timer } from '../clock';
import { fromTrackingPayload } from '../ingest/tracking-adapter';
import { parseDeviceTime } from '../ingest/device-time';
import { ingestReport, type DeviceReport } from '../ingest/report';
import type { AlertMessage } from '../../../shared/protocol/device';
import type { DroppedFix } from '../../../shared/protocol/reception';
import { rowToRecord } from '../store/positions';
import { deviceStatusUpdate, locationUpdate } from '../views';
import type { ErrorReply, ServerMessage, TrackErrorCode } from '../../../shared/protocol/tracking';
import { ACTIONS, CLOSE, COMPANY_DRIVERS, DRIVER_ENTITY_PREFIX, MAX_MESSAGE_BYTES } from '../../../shared/protocol/tracking';
import type { Fanout, Subscriber } from './fanout';
import { SendQueue } from './send-queue';
import { describeError, validators } from './validators';

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
  ) {
    const ws_ = host.ctx.config.ws;
    const clock = host.ctx.clock;
    this.queue = new SendQueue(ws, clock, {
      highWaterBytes: ws_.sendHighWaterBytes,
      slowConsumerTimeoutMs: ws_.slowConsumerTimeoutMs,
      onSlowConsumer: () => this.close(CLOSE.slowConsumer, 'too many unread messages'),
    });
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

  private onMessage(data: RawData, isBinary: boolean): void {
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
    if (!validators.authenticate.Check(msg)) return this.error('BadPayload', describeError(validators.authenticate, msg));
    const { user_id, role, token } = msg.payload;
    let p: Principal;
    try {
      p = authenticateToken(token, this.host.ctx.tokens, this.host.ctx.users);
      if (p.userId !== user_id) throw new AuthError('user_id does not match the token');
      const roleMatches = role === p.role || (role === 'office' && p.role === 'admin');
      if (!roleMatches) throw new AuthError(`role "${role}" does not match the token`);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
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
    if (!this.principal) this.host.releasePending(this.remoteAddress);
    this.principal = p;
    this.failedAuth = 0;
    this.authTimer?.clear();
    this.authTimer = null;
    this.expiryTimer?.clear();
    this.expiryTimer = this.host.ctx.clock.at(p.expiresAt, () => this.close(CLOSE.tokenExpired, 'token expired'));
    this.send({ type: 'authenticated', user_id: p.userId, role: p.role === 'admin' ? role : p.role, company: p.companyId });
  }

  private driverLocation(msg: unknown): void {
    const p = this.principal as Principal;
    const seq = seqOf(msg);
    if (p.role !== 'driver') return this.error('Forbidden', 'only drivers send locations', seq);
    if (!validators.driverLocation.Check(msg)) return this.error('BadPayload', describeError(validators.driverLocation, msg), seq);
    if (msg.id !== p.userId) return this.error('Forbidden', 'a driver sends locations for its own id only', seq);
    const position = fromTrackingPayload(msg.payload, this.host.ctx.clock.now());
    if (typeof position === 'string') return this.error('BadPayload', position, seq);
    const refused = this.host.ctx.ingest.submit(
      { companyId: p.companyId, userPk: p.userPk, userId: p.userId, position, source: 'ws', live: true },
      (err, outcome) => {
        if (err) {
          this.host.ctx.logger.error({ err }, 'position not stored');
          return; // no ack: the client keeps it and resends
        }
        // A duplicate is delivered (already stored): a plain ack, as for a new fix.
        const dropped = !outcome.stored && outcome.dropped.reason !== 'duplicate' ? outcome.dropped : null;
        if (seq !== undefined) {
          // Delivered either way: a dropped fix can never be stored, so the phone must not resend it.
          this.send(dropped ? { type: 'ack', seq, dropped } : { type: 'ack', seq });
        } else if (dropped) {
          // Without a seq the seed's own error table answers.
          this.error('BadPayload', dropped.message);
        }
      },
    );
    if (refused) this.error(refused.error, refused.message, seq);
  }

  /** What FleetDesk adds for its driver app: replayed fixes, heartbeats, SOS and crash alerts. */
  private driverReport(action: 'location_batch' | 'heartbeat' | 'alert', msg: unknown): void {
    const p = this.principal as Principal;
    const seq = seqOf(msg);
    if (p.role !== 'driver') return this.error('Forbidden', `only drivers send ${action}`, seq);
    const v = action === 'location_batch' ? validators.locationBatch : action === 'heartbeat' ? validators.heartbeat : validators.alert;
    if (!v.Check(msg)) return this.error('BadPayload', describeError(v, msg), seq);
    const m = msg as { id: string };
    if (m.id !== p.userId) return this.error('Forbidden', `a driver sends ${action} for its own id only`, seq);
    const device = { pk: p.userPk, company_id: p.companyId, user_id: p.userId };
    const { ctx } = this.host;
    const now = ctx.clock.now();
    if (validators.heartbeat.Check(msg)) {
      ctx.deviceStatus.report(device, msg.payload, 'ws', now);
      if (seq !== undefined) this.send({ type: 'ack', seq });
      return;
    }
    let report: DeviceReport;
    if (validators.locationBatch.Check(msg)) {
      report = { positions: [] };
      const dropped: ({ index: number } & DroppedFix)[] = [];
      const indexOf: number[] = [];
      msg.payload.positions.forEach((fix, index) => {
        const position = fromTrackingPayload(fix, now);
        if (typeof position !== 'string') {
          indexOf.push(index);
          report.positions.push(position);
          return;
        }
        const drop: DroppedFix = { reason: 'bad_time', message: position };
        dropped.push({ index, ...drop });
        ctx.ingest.recordDrop({ userPk: p.userPk, ...drop, source: 'ws', at: now, lat: fix.lat, lng: fix.lng });
      });
      ingestReport(ctx, device, report, 'ws', now).then(
        (out) => {
          for (const d of out.dropped) dropped.push({ ...d, index: indexOf[d.index] as number });
          dropped.sort((a, b) => a.index - b.index);
          this.send(dropped.length > 0 ? { type: 'ack', seq: seq as number, dropped } : { type: 'ack', seq: seq as number });
        },
        (err: unknown) => ctx.logger.error({ err }, 'batch not stored'), // no ack: the phone keeps the fixes and resends
      );
      return;
    }
    const a = (msg as AlertMessage).payload;
    const deviceTime = parseDeviceTime(a.timestamp);
    if (typeof deviceTime === 'string') return this.error('BadPayload', `payload.timestamp: ${deviceTime}`, seq);
    // No position given: the newest of the crash buffer (else ingestReport uses the last known one).
    const buffered = a.positions?.at(-1);
    const details: Record<string, unknown> = {};
    for (const k of ['peak_g', 'threshold_g', 'motion', 'positions'] as const) if (a[k] !== undefined) details[k] = a[k];
    report = {
      positions: [],
      alarm: {
        kind: a.kind,
        deviceTime,
        lat: a.lat ?? buffered?.lat ?? null,
        lng: a.lng ?? buffered?.lng ?? null,
        details: Object.keys(details).length > 0 ? details : null,
      },
    };
    ingestReport(ctx, device, report, 'ws', now).then(
      () => this.send({ type: 'ack', seq: seq as number }),
      (err: unknown) => ctx.logger.error({ err }, 'alert not stored'),
    );
  }

  private subscription(msg: unknown): void {
    const p = this.principal as Principal;
    if (p.role === 'driver') return this.error('Forbidden', 'drivers cannot subscribe');
    if (!validators.subscribe.Check(msg)) return this.error('BadPayload', describeError(validators.subscribe, msg));
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
