import crypto from 'node:crypto';
import type { ShareStatus } from '../../../shared/api/shares';
import type { Db } from './database';

export interface ShareRow {
  id: string;
  company_id: string;
  user_pk: number;
  device_id: string;
  token_hash: string;
  status: ShareStatus;
  recipient_name: string | null;
  notes: string | null;
  order_id: string | null;
  dest_lat: number | null;
  dest_lng: number | null;
  dest_label: string | null;
  /** JSON of ShareConfig */
  share_config: string;
  created_at: number;
  created_by: string | null;
  expires_at: number;
  arriving_at: number | null;
  /** device time the device entered the arrival radius (the hold's start); null outside */
  in_zone_since: number | null;
  arrived_at: number | null;
  ended_at: number | null;
}

/** Columns a change may set (never the id, company, device or token). */
export type ShareChanges = Partial<
  Pick<ShareRow, 'status' | 'recipient_name' | 'notes' | 'dest_lat' | 'dest_lng' | 'dest_label' | 'expires_at' | 'arriving_at' | 'in_zone_since' | 'arrived_at' | 'ended_at'>
>;
const CHANGEABLE = new Set<string>(['status', 'recipient_name', 'notes', 'dest_lat', 'dest_lng', 'dest_label', 'expires_at', 'arriving_at', 'in_zone_since', 'arrived_at', 'ended_at']);

export interface ShareFilter {
  /** a status, 'open' (not ended) or 'all' */
  status: ShareStatus | 'open' | 'all';
  deviceId?: string;
  orderId?: string;
  limit: number;
}

/** The stored form of a share token: only its SHA-256 is kept. */
export const shareTokenHash = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

/** Live location shares (migration 7). */
export class ShareStore {
  private readonly insertStmt;
  private readonly byId;
  private readonly byHash;
  private readonly openOfUser;
  private readonly openDue;
  private readonly arrivedOpen;
  private readonly withoutDevice;
  private readonly purgeStmt;
  private readonly openDevicesStmt;
  /**
   * Devices with a share not ended, so the arrival stage costs nothing for the others (every
   * fix asks). Only this process writes shares (the CLI does not), so the set stays true; it is
   * reloaded after a share ends and is a superset after a rolled-back insert, which only costs a query.
   */
  private openDevices: Set<number> | null = null;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO shares (id, company_id, user_pk, device_id, token_hash, status, recipient_name, notes, order_id, dest_lat, dest_lng, dest_label,
         share_config, created_at, created_by, expires_at)
       VALUES (@id, @company_id, @user_pk, @device_id, @token_hash, @status, @recipient_name, @notes, @order_id, @dest_lat, @dest_lng, @dest_label,
         @share_config, @created_at, @created_by, @expires_at)`,
    );
    this.byId = db.prepare<[string, string], ShareRow>('SELECT * FROM shares WHERE company_id = ? AND id = ?');
    this.byHash = db.prepare<[string], ShareRow>('SELECT * FROM shares WHERE token_hash = ?');
    this.openOfUser = db.prepare<[number], ShareRow>('SELECT * FROM shares WHERE user_pk = ? AND ended_at IS NULL');
    this.openDue = db.prepare<[number], ShareRow>('SELECT * FROM shares WHERE ended_at IS NULL AND expires_at <= ?');
    this.arrivedOpen = db.prepare<[], ShareRow>("SELECT * FROM shares WHERE ended_at IS NULL AND status = 'arrived'");
    this.withoutDevice = db.prepare<[], ShareRow & { disabled: number | null }>(
      `SELECT s.*, u.disabled FROM shares s LEFT JOIN users u ON u.pk = s.user_pk
       WHERE s.ended_at IS NULL AND (u.pk IS NULL OR u.disabled = 1)`,
    );
    this.purgeStmt = db.prepare('DELETE FROM shares WHERE ended_at IS NOT NULL AND ended_at < ?');
    this.openDevicesStmt = db.prepare<[], number>('SELECT DISTINCT user_pk FROM shares WHERE ended_at IS NULL').pluck();
  }

  insert(row: Omit<ShareRow, 'arriving_at' | 'in_zone_since' | 'arrived_at' | 'ended_at'>): void {
    this.insertStmt.run(row);
    this.openDevices?.add(row.user_pk);
  }

  get(companyId: string, id: string): ShareRow | undefined {
    return this.byId.get(companyId, id);
  }

  /** The share a public token opens, whatever its state (the caller decides what to show). */
  byToken(token: string): ShareRow | undefined {
    return this.byHash.get(shareTokenHash(token));
  }

  list(companyId: string, f: ShareFilter): ShareRow[] {
    const where = ['company_id = ?'];
    const args: (string | number)[] = [companyId];
    if (f.status === 'open') where.push('ended_at IS NULL');
    else if (f.status !== 'all') {
      where.push('status = ?');
      args.push(f.status);
    }
    if (f.deviceId !== undefined) {
      where.push('device_id = ?');
      args.push(f.deviceId);
    }
    if (f.orderId !== undefined) {
      where.push('order_id = ?');
      args.push(f.orderId);
    }
    args.push(f.limit);
    return this.db.prepare<(string | number)[], ShareRow>(`SELECT * FROM shares WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id LIMIT ?`).all(...args);
  }

  /** Shares of a device that have not ended. */
  openOf(userPk: number): ShareRow[] {
    this.openDevices ??= new Set(this.openDevicesStmt.all());
    return this.openDevices.has(userPk) ? this.openOfUser.all(userPk) : [];
  }

  /** Shares not ended whose expiry has come. */
  dueForExpiry(now: number): ShareRow[] {
    return this.openDue.all(now);
  }

  /** Shares that arrived and wait to complete. */
  arrived(): ShareRow[] {
    return this.arrivedOpen.all();
  }

  /** Open shares whose device was deleted or disabled (also by another process, such as the CLI). */
  withoutActiveDevice(): (ShareRow & { disabled: number | null })[] {
    return this.withoutDevice.all();
  }

  /** Applies `changes` to a share; returns the row after the change. */
  update(companyId: string, id: string, changes: ShareChanges): ShareRow | undefined {
    const keys = Object.keys(changes).filter((k) => CHANGEABLE.has(k));
    if (keys.length > 0) {
      this.db.prepare(`UPDATE shares SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE company_id = @company_id AND id = @id`).run({ ...changes, company_id: companyId, id });
      if (keys.includes('ended_at')) this.openDevices = null;
    }
    return this.get(companyId, id);
  }

  /** Forgets shares that ended before `before`: their links then answer like unknown ones. */
  purgeEndedBefore(before: number): number {
    return this.purgeStmt.run(before).changes;
  }
}
