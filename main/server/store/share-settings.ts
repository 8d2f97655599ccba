import { DEFAULT_SHARE_SETTINGS, type ShareSettings, type ShareSettingsUpdate } from '../../../shared/api/shares';
import { mergeShareSettings } from '../shares/settings';
import type { Db } from './database';

/** Reads and writes companies.share_settings; read per use, so a change applies at once. */
export class ShareSettingsStore {
  private readonly read;
  private readonly write;

  constructor(db: Db) {
    this.read = db.prepare<[string], { share_settings: string | null }>('SELECT share_settings FROM companies WHERE id = ?');
    this.write = db.prepare('UPDATE companies SET share_settings = ? WHERE id = ?');
  }

  /** The company's effective settings (defaults for an unknown company). */
  get(companyId: string): ShareSettings {
    return mergeShareSettings(this.read.get(companyId)?.share_settings);
  }

  /** Applies a validated update; only keys that differ from the defaults are stored. */
  update(companyId: string, change: ShareSettingsUpdate): ShareSettings {
    const next = { ...this.get(companyId), ...change };
    const diff = Object.fromEntries(
      Object.entries(next).filter(([k, v]) => JSON.stringify(DEFAULT_SHARE_SETTINGS[k as keyof ShareSettings]) !== JSON.stringify(v)),
    );
    this.write.run(Object.keys(diff).length === 0 ? null : JSON.stringify(diff), companyId);
    return next;
  }
}
