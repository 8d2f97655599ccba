import { DEFAULT_TRIP_SETTINGS, type TripSettings, type TripSettingsUpdate } from '../../../shared/api/trips';
import { mergeTripSettings } from '../trips/settings';
import type { Db } from './database';

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
