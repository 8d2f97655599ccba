import type { Static, TObject } from 'typebox';
import { Value } from 'typebox/value';
import type { Db } from './database';

/**
 * A group of company settings kept as JSON in one column of companies (null = all defaults):
 * the defaults overlaid with what the company changed. A stored value that no longer passes the
 * schema (hand-edited, or a later, stricter schema) falls back to the default for that key.
 */
export function mergeSettings<S extends TObject>(schema: S, defaults: Static<S>, json: string | null | undefined): Static<S> {
  const out = structuredClone(defaults) as Record<string, unknown>;
  if (!json) return out as Static<S>;
  let stored: unknown;
  try {
    stored = JSON.parse(json);
  } catch {
    return out as Static<S>;
  }
  if (!stored || typeof stored !== 'object') return out as Static<S>;
  for (const key of Object.keys(defaults as object)) {
    if (!(key in stored)) continue;
    const candidate = { ...out, [key]: (stored as Record<string, unknown>)[key] };
    if (Value.Check(schema, candidate)) out[key] = candidate[key];
  }
  return out as Static<S>;
}

type SettingsColumn = 'trip_settings' | 'share_settings';

/** Reads and writes one settings column of companies; read per use, so a change applies at once. */
export class CompanySettingsStore<S extends TObject> {
  private readonly read;
  private readonly write;

  constructor(
    db: Db,
    column: SettingsColumn,
    private readonly schema: S,
    private readonly defaults: Static<S>,
  ) {
    this.read = db.prepare<[string], { json: string | null }>(`SELECT ${column} AS json FROM companies WHERE id = ?`);
    this.write = db.prepare(`UPDATE companies SET ${column} = ? WHERE id = ?`);
  }

  /** The company's effective settings (defaults for an unknown company). */
  get(companyId: string): Static<S> {
    return mergeSettings(this.schema, this.defaults, this.read.get(companyId)?.json);
  }

  /** Applies a validated update; only keys that differ from the defaults are stored. */
  update(companyId: string, change: Partial<Static<S>>): Static<S> {
    const next = { ...this.get(companyId), ...change } as Static<S>;
    const defaults = this.defaults as Record<string, unknown>;
    const diff = Object.fromEntries(Object.entries(next as object).filter(([k, v]) => JSON.stringify(defaults[k]) !== JSON.stringify(v)));
    this.write.run(Object.keys(diff).length === 0 ? null : JSON.stringify(diff), companyId);
    return next;
  }
}
