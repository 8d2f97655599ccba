import type { Db } from './database';
import type { Role } from '../../../shared/ids';
import crypto from 'node:crypto';
import { systemClock, type Clock } from '../clock';

export interface UserRow {
  pk: number;
  company_id: string;
  user_id: string;
  role: Role;
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  vehicle_plate: string | null;
  password_hash: string | null;
  disabled: number;
  token_version: number;
  created_at: number;
  updated_at: number;
  /** what its phone identifies with (migration 3); only a driver's key is accepted */
  device_key: string;
}

/** A new device key: 144 random bits, base64url (shared/device-key.ts). */
export function newDeviceKey(): string {
  return crypto.randomBytes(18).toString('base64url');
}

export interface RetiredKey {
  device_key: string;
  company_id: string;
  /** the user it belonged to */
  user_id: string;
  retired_at: number;
}

export const PROFILE_KEYS = ['display_name', 'first_name', 'last_name', 'phone', 'vehicle_plate'] as const;
export type ProfileKey = (typeof PROFILE_KEYS)[number];
export type Profile = Partial<Record<ProfileKey, string | null>>;

export interface NewUser extends Profile {
  companyId: string;
  userId: string;
  role: Role;
  passwordHash?: string | null;
  /** default: a new random key */
  deviceKey?: string;
}

export type UserChanges = Profile & {
  role?: Role;
  password_hash?: string | null;
  disabled?: boolean;
};

const UPDATABLE = new Set<string>([...PROFILE_KEYS, 'role', 'password_hash', 'disabled']);

export class UserStore {
  private readonly byId;
  private readonly byPk;
  private readonly listAll;
  private readonly listRole;
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly bumpTokenVersion;
  private readonly byKey;
  private readonly setKey;
  private readonly retire;
  private readonly retiredStmt;

  constructor(
    private readonly db: Db,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.byId = db.prepare<[string, string], UserRow>('SELECT * FROM users WHERE company_id = ? AND user_id = ?');
    this.byPk = db.prepare<[number], UserRow>('SELECT * FROM users WHERE pk = ?');
    this.listAll = db.prepare<[string], UserRow>('SELECT * FROM users WHERE company_id = ? ORDER BY user_id');
    this.listRole = db.prepare<[string, string], UserRow>('SELECT * FROM users WHERE company_id = ? AND role = ? ORDER BY user_id');
    this.insertStmt = db.prepare(
      `INSERT INTO users (company_id, user_id, role, display_name, first_name, last_name, phone, vehicle_plate, password_hash, device_key, created_at, updated_at)
       VALUES (@company_id, @user_id, @role, @display_name, @first_name, @last_name, @phone, @vehicle_plate, @password_hash, @device_key, @now, @now)
       ON CONFLICT (company_id, user_id) DO NOTHING`,
    );
    this.deleteStmt = db.prepare('DELETE FROM users WHERE company_id = ? AND user_id = ?');
    this.byKey = db.prepare<[string], UserRow>('SELECT * FROM users WHERE device_key = ?');
    // A new key also revokes every token the driver holds: all of its protocols stop at once.
    this.setKey = db.prepare('UPDATE users SET device_key = ?, token_version = token_version + 1, updated_at = ? WHERE pk = ?');
    this.retire = db.prepare('INSERT OR IGNORE INTO retired_keys (device_key, company_id, user_id, retired_at) VALUES (?, ?, ?, ?)');
    this.retiredStmt = db.prepare<[string], RetiredKey>('SELECT * FROM retired_keys WHERE device_key = ?');
    this.bumpTokenVersion = db.prepare('UPDATE users SET token_version = token_version + 1, updated_at = ? WHERE company_id = ? AND user_id = ?');
  }

  get(companyId: string, userId: string): UserRow | undefined {
    return this.byId.get(companyId, userId);
  }

  getByPk(pk: number): UserRow | undefined {
    return this.byPk.get(pk);
  }

  list(companyId: string, role?: Role): UserRow[] {
    return role ? this.listRole.all(companyId, role) : this.listAll.all(companyId);
  }

  /** Returns the new row, or undefined when the user id is taken in that company. */
  create(u: NewUser, now = this.clock.now()): UserRow | undefined {
    const r = this.insertStmt.run({
      company_id: u.companyId,
      user_id: u.userId,
      role: u.role,
      display_name: u.display_name ?? null,
      first_name: u.first_name ?? null,
      last_name: u.last_name ?? null,
      phone: u.phone ?? null,
      vehicle_plate: u.vehicle_plate ?? null,
      password_hash: u.passwordHash ?? null,
      device_key: u.deviceKey ?? newDeviceKey(),
      now,
    });
    return r.changes === 1 ? this.getByPk(Number(r.lastInsertRowid)) : undefined;
  }

  update(companyId: string, userId: string, changes: UserChanges, now = this.clock.now()): UserRow | undefined {
    const keys = Object.keys(changes).filter((k) => UPDATABLE.has(k) && changes[k as keyof UserChanges] !== undefined);
    if (keys.length > 0) {
      const params: Record<string, unknown> = { company_id: companyId, user_id: userId, now };
      for (const k of keys) {
        const v = changes[k as keyof UserChanges];
        params[k] = typeof v === 'boolean' ? Number(v) : v;
      }
      // Disabling a user, changing its role or its password also invalidates the tokens it holds.
      const revoke = keys.includes('role') || keys.includes('password_hash') || changes.disabled === true ? ', token_version = token_version + 1' : '';
      const sql = `UPDATE users SET ${keys.map((k) => `${k} = @${k}`).join(', ')}, updated_at = @now${revoke}
                   WHERE company_id = @company_id AND user_id = @user_id`;
      this.db.prepare(sql).run(params);
    }
    return this.get(companyId, userId);
  }

  getByDeviceKey(key: string): UserRow | undefined {
    return this.byKey.get(key);
  }

  /**
   * Replaces the device key (and revokes the user's tokens); false when the key is taken or was
   * retired. The old key is retired: remembered with the company, so a phone still sending it
   * is told "replaced", and no other company can ever adopt it.
   */
  setDeviceKey(pk: number, key: string, now = this.clock.now()): boolean {
    const user = this.getByPk(pk);
    if (!user || this.retired(key)) return false;
    try {
      return this.db.transaction(() => {
        this.retire.run(user.device_key, user.company_id, user.user_id, now);
        return this.setKey.run(key, now, pk).changes === 1;
      })();
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) return false;
      throw err;
    }
  }

  /** Every token issued to the user before now stops working. */
  revokeTokens(companyId: string, userId: string, now = this.clock.now()): boolean {
    return this.bumpTokenVersion.run(now, companyId, userId).changes === 1;
  }

  /** A key some company replaced or whose driver it deleted: never a key again. */
  retired(key: string): RetiredKey | undefined {
    return this.retiredStmt.get(key);
  }

  /** Deletes the user; its device key is retired (see setDeviceKey). */
  delete(companyId: string, userId: string, now = this.clock.now()): boolean {
    const user = this.get(companyId, userId);
    if (!user) return false;
    return this.db.transaction(() => {
      this.retire.run(user.device_key, companyId, userId, now);
      return this.deleteStmt.run(companyId, userId).changes === 1;
    })();
  }
}
