import type { Db } from './database';
import type { DisplayField } from '../../../shared/api/schemas';
import { systemClock, type Clock } from '../clock';

export interface CompanyRow {
  id: string;
  name: string;
  display_field: DisplayField;
  max_connections: number | null;
  /** map tile URL template; null: OpenStreetMap (migration 2) */
  tile_url: string | null;
  /** migration 3 */
  crash_threshold_g: number;
  owntracks_friends: number;
  created_at: number;
}

const UPDATABLE = ['name', 'display_field', 'max_connections', 'tile_url', 'crash_threshold_g', 'owntracks_friends'];

export class CompanyStore {
  private readonly byId;
  private readonly all;
  private readonly insertStmt;

  constructor(
    private readonly db: Db,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.byId = db.prepare<[string], CompanyRow>('SELECT * FROM companies WHERE id = ?');
    this.all = db.prepare<[], CompanyRow>('SELECT * FROM companies ORDER BY id');
    this.insertStmt = db.prepare('INSERT INTO companies (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING');
  }

  get(id: string): CompanyRow | undefined {
    return this.byId.get(id);
  }

  list(): CompanyRow[] {
    return this.all.all();
  }

  /** Returns false when the id is taken. */
  create(id: string, name: string, now = this.clock.now()): boolean {
    const r = this.insertStmt.run(id, name, now);
    return r.changes === 1;
  }

  update(id: string, fields: Partial<Pick<CompanyRow, 'name' | 'display_field' | 'max_connections' | 'tile_url' | 'crash_threshold_g' | 'owntracks_friends'>>): CompanyRow | undefined {
    const keys = Object.keys(fields).filter((k) => UPDATABLE.includes(k));
    if (keys.length > 0) {
      const sql = `UPDATE companies SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`;
      this.db.prepare(sql).run({ ...fields, id });
    }
    return this.get(id);
  }
}

/** Turns a company name into a readable id: "Acme Logistics" → "acme-logistics". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 48)
    .replace(/^-+|-+$/g, '');
  return slug || 'company';
}
