import crypto from 'node:crypto';
import { systemClock, type Clock } from '../clock';
import type { Db } from './database';

export type LinkPurpose = 'login' | 'enrol';

/** What redeeming a code found: its user, or why not. */
export type Redeemed = { ok: true; userPk: number } | { ok: false; why: 'unknown' | 'used' | 'expired' };

const hash = (code: string): string => crypto.createHash('sha256').update(code).digest('hex');

/** One-time codes (sign-in and enrolment links): only a SHA-256 hash of each is kept. */
export class LoginLinkStore {
  private readonly insertStmt;
  private readonly find;
  private readonly markUsed;
  private readonly redeemTx;

  constructor(
    db: Db,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.insertStmt = db.prepare('INSERT INTO login_links (code_hash, user_pk, created_at, expires_at, purpose) VALUES (?, ?, ?, ?, ?)');
    this.find = db.prepare<[string, string], { user_pk: number; expires_at: number; used_at: number | null }>(
      'SELECT user_pk, expires_at, used_at FROM login_links WHERE code_hash = ? AND purpose = ?',
    );
    this.markUsed = db.prepare('UPDATE login_links SET used_at = ? WHERE code_hash = ?');
    this.redeemTx = db.transaction((code: string, purpose: LinkPurpose, now: number): Redeemed => {
      const row = this.find.get(hash(code), purpose);
      if (!row) return { ok: false, why: 'unknown' };
      if (row.used_at !== null) return { ok: false, why: 'used' };
      if (row.expires_at <= now) return { ok: false, why: 'expired' };
      this.markUsed.run(now, hash(code));
      return { ok: true, userPk: row.user_pk };
    });
  }

  /** A new random code for `userPk`, valid `ttlSeconds` from now. */
  create(userPk: number, purpose: LinkPurpose, ttlSeconds: number): { code: string; expiresAt: Date } {
    const code = crypto.randomBytes(32).toString('base64url');
    const now = this.clock.now();
    this.insertStmt.run(hash(code), userPk, now, now + ttlSeconds * 1000, purpose);
    return { code, expiresAt: new Date(now + ttlSeconds * 1000) };
  }

  /** Spends a code once (in one immediate transaction, so two redeemers cannot both win). */
  redeem(code: string, purpose: LinkPurpose): Redeemed {
    return this.redeemTx.immediate(code, purpose, this.clock.now());
  }
}
