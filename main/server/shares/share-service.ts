/**
 * Live location shares: a dispatcher shares one device with a customer for a bounded time.
 * Every change of state is one transaction holding the share's row and its event in the log
 * (SHARE_EVENTS); listeners (the public live feed) hear of it after the commit.
 *
 *   active → arriving (within arriving_distance_m of the destination)
 *          → arrived  (within arrived_radius_m for arrived_hold_s of device time)
 *          → completed (the dispatcher, or auto_complete_after_min after arrival)
 *   any open state → cancelled (the dispatcher; the device deleted or disabled)
 *                  → expired   (expires_at reached: one sweep on the injected clock)
 */
import crypto from 'node:crypto';
import {
  DEFAULT_SHARE_CONFIG,
  EXPIRES_IN_HOURS,
  SHARE_EVENTS,
  type PublicShare,
  type ShareCreate,
  type ShareEta,
  type ShareListQuery,
  type ShareStatus,
  type ShareUpdate,
} from '../../../shared/api/shares';
import { distanceM } from '../../../shared/geo';
import type { Clock, Timer } from '../clock';
import { badRequest, conflict, notFound } from '../errors';
import type { CommittedFix } from '../ingest/stages';
import type { Logger } from '../logger';
import { rowToRecord } from '../store/positions';
import { shareTokenHash, type ShareChanges, type ShareRow } from '../store/shares';
import type { Storage } from '../store/storage';
import { RoutingEta, SPEED_WINDOW_MS, smoothedSpeed, straightLineEta } from './eta';
import { destinationOf, isEnded, publicView } from './share-views';
import { deviceName } from '../api-views';
import type { PositionRecord } from '../ingest/position';

/** How often the sweep looks for expired and due-to-complete shares. */
export const SHARE_SWEEP_MS = 15_000;
/** Ended shares are forgotten this long after their end; their links then answer like unknown ones. */
export const SHARE_PURGE_AFTER_MS = 30 * 86_400_000;

/** A share token: 32 random bytes, base64url. */
export const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** What a listener hears: a new position of the shared device, or a change of the share's state. */
export type ShareChange = { kind: 'position'; position: PositionRecord } | { kind: 'status'; status: ShareStatus };

type Listener = (change: ShareChange) => void;

export interface ShareServiceDeps {
  storage: Pick<Storage, 'shares' | 'shareSettings' | 'events' | 'users' | 'positions' | 'companies' | 'atomically'>;
  clock: Clock;
  logger: Logger;
}

export class ShareService {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly companyListeners: ((share: ShareRow) => void)[] = [];
  private readonly routing: RoutingEta;
  private sweeper: Timer | null = null;

  constructor(private readonly deps: ShareServiceDeps) {
    this.routing = new RoutingEta(deps.clock, deps.logger);
  }

  start(): void {
    this.sweeper ??= this.deps.clock.every(SHARE_SWEEP_MS, () => this.sweep());
  }

  stop(): void {
    this.sweeper?.clear();
    this.sweeper = null;
    this.listeners.clear();
  }

  settings(companyId: string) {
    return this.deps.storage.shareSettings.get(companyId);
  }

  create(companyId: string, device: { pk: number; user_id: string; disabled: number }, body: ShareCreate, createdBy: string | null): { row: ShareRow; token: string } {
    if (device.disabled) throw badRequest(`device "${device.user_id}" is disabled; enable it before sharing its location`);
    const now = this.deps.clock.now();
    const hours = body.expires_in_hours ?? EXPIRES_IN_HOURS.default;
    const token = crypto.randomBytes(32).toString('base64url');
    const row = {
      id: crypto.randomUUID(),
      company_id: companyId,
      user_pk: device.pk,
      device_id: device.user_id,
      token_hash: shareTokenHash(token),
      status: 'active' as const,
      recipient_name: trimmed(body.recipient_name),
      notes: trimmed(body.notes),
      order_id: trimmed(body.order_id),
      dest_lat: body.destination?.latitude ?? null,
      dest_lng: body.destination?.longitude ?? null,
      dest_label: trimmed(body.destination?.label),
      share_config: JSON.stringify({ ...DEFAULT_SHARE_CONFIG, ...body.share_config }),
      created_at: now,
      created_by: createdBy,
      expires_at: now + Math.round(hours * 3600_000),
    };
    const { storage } = this.deps;
    storage.atomically(() => {
      storage.shares.insert(row);
      this.record(row, 'created', { ExpiresAt: new Date(row.expires_at).toISOString(), OrderId: row.order_id, RecipientName: row.recipient_name }, now);
    });
    const created = this.require(companyId, row.id);
    this.announce(created);
    return { row: created, token };
  }

  list(companyId: string, q: ShareListQuery): ShareRow[] {
    return this.deps.storage.shares.list(companyId, { status: q.status ?? 'all', deviceId: q.device_id, orderId: q.order_id, limit: q.limit ?? 100 });
  }

  /** A share of the company, or undefined. */
  byId(companyId: string, id: string): ShareRow | undefined {
    return this.deps.storage.shares.get(companyId, id);
  }

  /** The share a public token opens (any state), or undefined for an unknown, malformed or purged one. */
  byToken(token: string): ShareRow | undefined {
    return SHARE_TOKEN.test(token) ? this.deps.storage.shares.byToken(token) : undefined;
  }

  /** A share of the company, or 404 (another company's look exactly like unknown ones). */
  require(companyId: string, id: string): ShareRow {
    const r = this.deps.storage.shares.get(companyId, id);
    if (!r) throw notFound(`no share "${id}"`);
    return r;
  }

  update(companyId: string, id: string, body: ShareUpdate): ShareRow {
    const r = this.require(companyId, id);
    if (isEnded(r)) throw conflict(`the share has ended (${r.status}); create a new one`);
    const changes: ShareChanges = {};
    if (body.notes !== undefined) changes.notes = trimmed(body.notes);
    if (body.recipient_name !== undefined) changes.recipient_name = trimmed(body.recipient_name);
    if (body.destination !== undefined) {
      Object.assign(changes, { dest_lat: body.destination?.latitude ?? null, dest_lng: body.destination?.longitude ?? null, dest_label: trimmed(body.destination?.label) });
      // A new destination starts the approach again.
      if (r.status !== 'arrived') Object.assign(changes, { status: 'active', arriving_at: null, in_zone_since: null });
      this.routing.forget(r.id);
    }
    if (body.extend_hours !== undefined) {
      const cap = this.deps.clock.now() + EXPIRES_IN_HOURS.max * 3600_000;
      changes.expires_at = Math.min(r.expires_at + Math.round(body.extend_hours * 3600_000), cap);
    }
    const next = this.deps.storage.shares.update(companyId, id, changes)!;
    this.emit(id, { kind: 'status', status: next.status });
    this.announce(next);
    return next;
  }

  complete(companyId: string, id: string): ShareRow {
    return this.end(this.require(companyId, id), 'completed', { By: 'dispatcher' });
  }

  cancel(companyId: string, id: string, reason = 'dispatcher'): ShareRow {
    return this.end(this.require(companyId, id), 'cancelled', { Reason: reason });
  }

  /** The arrival stage (ingest/stages.ts): every open share of the fix's device. */
  onPosition(fix: CommittedFix): void {
    const open = this.deps.storage.shares.openOf(fix.userPk);
    for (const share of open) {
      if (fix.position.deviceTime < share.created_at) continue; // nothing from before the share began
      try {
        this.approach(share, fix.position);
      } catch (err) {
        this.deps.logger.error({ err, share: share.id }, 'share arrival check failed');
      }
      this.emit(share.id, { kind: 'position', position: fix.position });
    }
  }

  /** A device's access changed (auth/access-events.ts): deleted or disabled, its shares end as cancelled. */
  onAccessChanged(userPk: number): void {
    const open = this.deps.storage.shares.openOf(userPk);
    if (open.length === 0) return;
    const user = this.deps.storage.users.getByPk(userPk);
    if (user && !user.disabled) return;
    for (const share of open) this.end(share, 'cancelled', { Reason: user ? 'device disabled' : 'device deleted' });
  }

  /**
   * Expires shares whose time is up, completes arrived ones after the company's delay, cancels
   * those whose device was deleted or disabled where this process did not hear of it (the CLI),
   * and forgets long-ended ones.
   */
  sweep(now = this.deps.clock.now()): void {
    const { shares } = this.deps.storage;
    for (const r of shares.withoutActiveDevice()) this.safely(r, () => this.end(r, 'cancelled', { Reason: r.disabled === null ? 'device deleted' : 'device disabled' }, now));
    for (const r of shares.dueForExpiry(now)) this.safely(r, () => this.end(r, 'expired', {}, now));
    for (const r of shares.arrived()) {
      const after = this.settings(r.company_id).auto_complete_after_min;
      if (after !== null && r.arrived_at !== null && now >= r.arrived_at + after * 60_000) this.safely(r, () => this.end(r, 'completed', { By: 'auto' }, now));
    }
    shares.purgeEndedBefore(now - SHARE_PURGE_AFTER_MS);
  }

  /** Hears every created or changed share, after its commit (the offices' live `share_update`). */
  onShareChange(listener: (share: ShareRow) => void): void {
    this.companyListeners.push(listener);
  }

  /** Listens to one share's changes (the public live feed); returns the unsubscribe. */
  subscribe(shareId: string, listener: Listener): () => void {
    let set = this.listeners.get(shareId);
    if (!set) this.listeners.set(shareId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(shareId);
    };
  }

  /** Listeners held (for tests that prove the feed lets go). */
  get listenerCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  /** The ETA to the share's destination from the device's newest fix; null when ended, without a destination or a fix since the share began. */
  async eta(r: ShareRow, position: PositionRecord | null = this.latest(r)): Promise<ShareEta | null> {
    const dest = destinationOf(r);
    if (isEnded(r) || !dest || !position || position.deviceTime < r.created_at) return null;
    const to = { lat: dest.latitude, lng: dest.longitude };
    const settings = this.settings(r.company_id);
    const routed = await this.routing.estimate(r.id, settings, position, to);
    if (routed) return routed;
    const from = Math.max(r.created_at, position.deviceTime - SPEED_WINDOW_MS);
    const recent = this.deps.storage.positions.range(r.user_pk, from, position.deviceTime + 1, 600).map((p) => ({ lat: p.lat, lng: p.lng, deviceTime: p.device_time }));
    return straightLineEta(position, to, settings.detour_factor, smoothedSpeed(recent), this.deps.clock.now());
  }

  /** What the public page of a share shows (share-views.ts publicView decides what is left out). */
  async publicShare(r: ShareRow): Promise<PublicShare> {
    const { storage } = this.deps;
    const company = storage.companies.get(r.company_id);
    const user = storage.users.getByPk(r.user_pk);
    const position = isEnded(r) ? null : this.latest(r);
    return publicView({
      row: r,
      companyName: company?.name ?? '',
      driverName: user && company ? deviceName(user, company.display_field) : null,
      settings: this.settings(r.company_id),
      position,
      eta: position ? await this.eta(r, position) : null,
    });
  }

  /** The device's newest fix, when it is from the share's time. */
  latest(r: ShareRow): PositionRecord | null {
    const row = this.deps.storage.positions.latest(r.user_pk);
    return row && row.device_time >= r.created_at ? rowToRecord(row) : null;
  }

  private approach(share: ShareRow, p: PositionRecord): void {
    if (share.status !== 'active' && share.status !== 'arriving') return;
    const dest = destinationOf(share);
    if (!dest) return;
    const s = this.settings(share.company_id);
    const d = distanceM(p, { lat: dest.latitude, lng: dest.longitude });
    const changes: ShareChanges = {};
    if (share.status === 'active' && d <= Math.max(s.arriving_distance_m, s.arrived_radius_m)) Object.assign(changes, { status: 'arriving', arriving_at: p.deviceTime });
    if (d <= s.arrived_radius_m) {
      const since = share.in_zone_since ?? p.deviceTime;
      if (share.in_zone_since === null) changes.in_zone_since = since;
      if (p.deviceTime - since >= s.arrived_hold_s * 1000) {
        Object.assign(changes, { status: 'arrived', arrived_at: p.deviceTime });
        this.transition(share, changes, 'arrived', { DistanceM: Math.round(d), DeviceTime: new Date(p.deviceTime).toISOString() });
        return;
      }
    } else if (share.in_zone_since !== null) changes.in_zone_since = null;
    if (Object.keys(changes).length === 0) return;
    const next = this.deps.storage.shares.update(share.company_id, share.id, changes);
    if (changes.status && next) {
      this.emit(share.id, { kind: 'status', status: changes.status });
      this.announce(next);
    }
  }

  private end(r: ShareRow, status: 'completed' | 'cancelled' | 'expired', details: Record<string, unknown>, now = this.deps.clock.now()): ShareRow {
    if (isEnded(r)) throw conflict(`the share has already ended (${r.status})`);
    const event = status === 'completed' ? 'completed' : status === 'cancelled' ? 'cancelled' : 'expired';
    const next = this.transition(r, { status, ended_at: now }, event, details, now);
    this.routing.forget(r.id);
    return next;
  }

  /** One change of state: the row and its event in one transaction, then the listeners. */
  private transition(r: ShareRow, changes: ShareChanges, event: keyof typeof SHARE_EVENTS, details: Record<string, unknown>, now = this.deps.clock.now()): ShareRow {
    const { storage } = this.deps;
    const next = storage.atomically(() => {
      const updated = storage.shares.update(r.company_id, r.id, changes)!;
      this.record(updated, event, details, now);
      return updated;
    });
    this.emit(r.id, { kind: 'status', status: next.status });
    this.announce(next);
    return next;
  }

  private announce(r: ShareRow): void {
    for (const l of this.companyListeners) {
      try {
        l(r);
      } catch (err) {
        this.deps.logger.error({ err }, 'a share change listener failed');
      }
    }
  }

  private record(r: Pick<ShareRow, 'company_id' | 'user_pk' | 'id' | 'device_id' | 'status'>, event: keyof typeof SHARE_EVENTS, details: Record<string, unknown>, now: number): void {
    const userExists = this.deps.storage.users.getByPk(r.user_pk) !== undefined;
    this.deps.storage.events.record(
      { companyId: r.company_id, userPk: userExists ? r.user_pk : null, event: SHARE_EVENTS[event], objectId: r.id, objectType: 'ShareSession', details: { DeviceId: r.device_id, Status: r.status, ...details } },
      now,
    );
  }

  private emit(shareId: string, change: ShareChange): void {
    for (const l of this.listeners.get(shareId) ?? []) {
      try {
        l(change);
      } catch (err) {
        this.deps.logger.error({ err }, 'a share listener failed');
      }
    }
  }

  private safely(r: ShareRow, work: () => void): void {
    try {
      work();
    } catch (err) {
      this.deps.logger.error({ err, share: r.id }, 'share sweep failed for one share');
    }
  }
}

function trimmed(v: string | null | undefined): string | null {
  const t = v?.trim();
  return t ? t : null;
}
