import crypto from 'node:crypto';
import type { Db } from './database';
import { systemClock, type Clock } from '../clock';

export interface ApiKeyRow {
  id: number;
  company_id: string;
  name: string;
  key_hash: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
}

const hash = (key: string) => crypto.createHash('sha256').update(key).digest('hex');
const PREFIX = 'fdk_';

/**
 * Company API keys: what a backend sends (header `X-API-Key`) to fetch the datasets that
 * notifications point to, without a user session. 256 random bits; only a hash is stored.
 */
export class ApiKeyStore {
  private readonly byHash;
  private readonly insert;
  private readonly touch;
  private readonly listStmt;
  private readonly del;

  constructor(
    db: Db,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.byHash = db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE key_hash = ?');
    this.insert = db.prepare('INSERT INTO api_keys (company_id, name, key_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)');
    this.touch = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
    this.listStmt = db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE company_id = ? ORDER BY id');
    this.del = db.prepare('DELETE FROM api_keys WHERE company_id = ? AND id = ?');
  }

  /** Creates a key; the key itself is returned only here. */
  create(companyId: string, name: string, now = this.clock.now()): { row: ApiKeyRow; key: string } {
    const key = PREFIX + crypto.randomBytes(32).toString('base64url');
    const r = this.insert.run(companyId, name, hash(key), key.slice(0, PREFIX.length + 6), now);
    return { row: this.listStmt.all(companyId).find((k) => k.id === Number(r.lastInsertRowid)) as ApiKeyRow, key };
  }

  /** The key's row when it is valid (and notes its use, at most once a minute). */
  verify(key: string, now = this.clock.now()): ApiKeyRow | undefined {
    if (!key.startsWith(PREFIX) || key.length > 200) return undefined;
    const row = this.byHash.get(hash(key));
    if (row && (row.last_used_at === null || now - row.last_used_at > 60_000)) this.touch.run(now, row.id);
    return row;
  }

  list(companyId: string): ApiKeyRow[] {
    return this.listStmt.all(companyId);
  }

  revoke(companyId: string, id: number): boolean {
    return this.del.run(companyId, id).changes === 1;
  }
}
