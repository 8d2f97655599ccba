import type { EventName } from '../../../shared/api/events';
import type { Provider } from '../../../shared/api/notifications';
import type { Db } from './database';

/** A destination as stored: settings without secrets, the secrets sealed (notify/secret-box.ts). */
export interface DestinationRow {
  id: string;
  companyId: string;
  name: string;
  provider: Provider;
  settings: Record<string, unknown>;
  sealedSecrets: string | null;
  events: EventName[];
  /** device ids, or null for every device */
  devices: string[] | null;
  enabled: boolean;
  /** the last event id this destination has finished with (delivered or dead-lettered) */
  cursor: number;
  failingSince: number | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  company_id: string;
  name: string;
  provider: string;
  settings: string;
  secrets: string | null;
  events: string;
  devices: string | null;
  enabled: number;
  cursor: number;
  failing_since: number | null;
  last_success_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

const toRow = (r: Row): DestinationRow => ({
  id: r.id,
  companyId: r.company_id,
  name: r.name,
  provider: r.provider as Provider,
  settings: JSON.parse(r.settings) as Record<string, unknown>,
  sealedSecrets: r.secrets,
  events: JSON.parse(r.events) as EventName[],
  devices: r.devices === null ? null : (JSON.parse(r.devices) as string[]),
  enabled: r.enabled === 1,
  cursor: r.cursor,
  failingSince: r.failing_since,
  lastSuccessAt: r.last_success_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type DestinationChanges = Partial<Pick<DestinationRow, 'name' | 'settings' | 'sealedSecrets' | 'events' | 'devices' | 'enabled'>>;

/** The destinations table: where each company's notifications go, and how far each has got. */
export class DestinationStore {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly ofCompanyStmt;
  private readonly allStmt;
  private readonly removeStmt;
  private readonly cursorStmt;
  private readonly successStmt;
  private readonly failureStmt;
  private readonly pendingStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO destinations (id, company_id, name, provider, settings, secrets, events, devices, enabled, cursor, created_at, updated_at)
       VALUES (@id, @company_id, @name, @provider, @settings, @secrets, @events, @devices, @enabled, @cursor, @created_at, @updated_at)`,
    );
    this.getStmt = db.prepare<[string, string], Row>('SELECT * FROM destinations WHERE company_id = ? AND id = ?');
    this.ofCompanyStmt = db.prepare<[string], Row>('SELECT * FROM destinations WHERE company_id = ? ORDER BY created_at, id');
    this.allStmt = db.prepare<[], Row>('SELECT * FROM destinations ORDER BY created_at, id');
    this.removeStmt = db.prepare('DELETE FROM destinations WHERE company_id = ? AND id = ?');
    this.cursorStmt = db.prepare('UPDATE destinations SET cursor = max(cursor, ?) WHERE id = ?');
    this.successStmt = db.prepare('UPDATE destinations SET failing_since = NULL, last_error = NULL, last_success_at = ? WHERE id = ?');
    this.failureStmt = db.prepare('UPDATE destinations SET failing_since = coalesce(failing_since, ?), last_error = ? WHERE id = ?');
    this.pendingStmt = db.prepare<[string, number, string, string | null, string | null], { n: number }>(
      `SELECT count(*) AS n FROM events e LEFT JOIN users u ON u.pk = e.user_pk
       WHERE e.company_id = ? AND e.id > ? AND e.event IN (SELECT value FROM json_each(?))
         AND (? IS NULL OR u.user_id IN (SELECT value FROM json_each(?)))`,
    );
  }

  insert(d: Omit<DestinationRow, 'failingSince' | 'lastSuccessAt' | 'lastError'>): void {
    this.insertStmt.run({
      id: d.id,
      company_id: d.companyId,
      name: d.name,
      provider: d.provider,
      settings: JSON.stringify(d.settings),
      secrets: d.sealedSecrets,
      events: JSON.stringify(d.events),
      devices: d.devices === null ? null : JSON.stringify(d.devices),
      enabled: d.enabled ? 1 : 0,
      cursor: d.cursor,
      created_at: d.createdAt,
      updated_at: d.updatedAt,
    });
  }

  get(companyId: string, id: string): DestinationRow | null {
    const r = this.getStmt.get(companyId, id);
    return r ? toRow(r) : null;
  }

  ofCompany(companyId: string): DestinationRow[] {
    return this.ofCompanyStmt.all(companyId).map(toRow);
  }

  all(): DestinationRow[] {
    return this.allStmt.all().map(toRow);
  }

  update(companyId: string, id: string, c: DestinationChanges, now: number): DestinationRow | null {
    const sets: string[] = ['updated_at = @now'];
    const v: Record<string, unknown> = { companyId, id, now };
    const set = (column: string, value: unknown) => {
      sets.push(`${column} = @${column}`);
      v[column] = value;
    };
    if (c.name !== undefined) set('name', c.name);
    if (c.settings !== undefined) set('settings', JSON.stringify(c.settings));
    if (c.sealedSecrets !== undefined) set('secrets', c.sealedSecrets);
    if (c.events !== undefined) set('events', JSON.stringify(c.events));
    if (c.devices !== undefined) set('devices', c.devices === null ? null : JSON.stringify(c.devices));
    if (c.enabled !== undefined) set('enabled', c.enabled ? 1 : 0);
    // a destination switched back on after a rest starts clean: no stale "failing since"
    if (c.enabled === true) sets.push('failing_since = NULL');
    this.db.prepare(`UPDATE destinations SET ${sets.join(', ')} WHERE company_id = @companyId AND id = @id`).run(v);
    return this.get(companyId, id);
  }

  remove(companyId: string, id: string): boolean {
    return this.removeStmt.run(companyId, id).changes > 0;
  }

  /** The smallest cursor of all destinations (enabled or not), or `fallback` when there are none. */
  lowestCursor(fallback: number): number {
    const r = this.db.prepare<[], { c: number | null }>('SELECT min(cursor) AS c FROM destinations').get();
    return r?.c ?? fallback;
  }

  /** Moves the cursor forward (never back). */
  advance(id: string, eventId: number): void {
    this.cursorStmt.run(eventId, id);
  }

  succeeded(id: string, now: number): void {
    this.successStmt.run(now, id);
  }

  failed(id: string, now: number, error: string): void {
    this.failureStmt.run(now, error, id);
  }

  /** Events waiting for the destination: after its cursor, of its types and devices. */
  pending(d: Pick<DestinationRow, 'companyId' | 'cursor' | 'events' | 'devices'>): number {
    const devices = d.devices === null ? null : JSON.stringify(d.devices);
    return this.pendingStmt.get(d.companyId, d.cursor, JSON.stringify(d.events), devices, devices)?.n ?? 0;
  }
}
