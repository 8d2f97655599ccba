import { Value } from 'typebox/value';
import { DEFAULT_TRIP_SETTINGS, TripSettings, type TripSettingsUpdate } from '../../../shared/api/trips';
import type { Db } from '../store/database';

/**
 * A company's trip settings: DEFAULT_TRIP_SETTINGS overlaid with what the company changed
 * (companies.trip_settings, JSON, null = all defaults). Stored values that no longer pass the
 * schema (hand-edited, or a later, stricter schema) fall back to the default for that key.
 */
export function mergeTripSettings(json: string | null | undefined): TripSettings {
  if (!json) return { ...DEFAULT_TRIP_SETTINGS };
  let stored: unknown;
  try {
    stored = JSON.parse(json);
  } catch {
    return { ...DEFAULT_TRIP_SETTINGS };
  }
  const out: TripSettings = { ...DEFAULT_TRIP_SETTINGS };
  if (stored && typeof stored === 'object') {
    for (const key of Object.keys(DEFAULT_TRIP_SETTINGS) as (keyof TripSettings)[]) {
      const v = (stored as Record<string, unknown>)[key];
      if (typeof v !== 'number') continue;
      const candidate = { ...out, [key]: v };
      if (Value.Check(TripSettings, candidate)) out[key] = v;
    }
  }
  return out;
}

/** Reads and writes companies.trip_settings. Settings are read per detected trip, so a change applies to trips detected afterwards. */
export class TripSettingsStore {
  private readonly read;
  private readonly write;

  constructor(db: Db) {
    this.read = db.prepare<[string], { trip_settings: string | null }>('SELECT trip_settings FROM companies WHERE id = ?');
    this.write = db.prepare('UPDATE companies SET trip_settings = ? WHERE id = ?');
  }

  /** The company's effective settings (defaults for an unknown company). */
  get(companyId: string): TripSettings {
    return mergeTripSettings(this.read.get(companyId)?.trip_settings);
  }

  /** Applies a validated update; only keys that differ from the defaults are stored. */
  update(companyId: string, change: TripSettingsUpdate): TripSettings {
    const next = { ...this.get(companyId), ...change };
    const diff = Object.fromEntries(Object.entries(next).filter(([k, v]) => DEFAULT_TRIP_SETTINGS[k as keyof TripSettings] !== v));
    this.write.run(Object.keys(diff).length === 0 ? null : JSON.stringify(diff), companyId);
    return next;
  }
}
