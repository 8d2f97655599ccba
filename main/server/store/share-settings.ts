import { DEFAULT_SHARE_SETTINGS, ShareSettings } from '../../../shared/api/shares';
import { CompanySettingsStore } from './company-settings';
import type { Db } from './database';

/** companies.share_settings; read per use, so a change applies at once. */
export class ShareSettingsStore extends CompanySettingsStore<typeof ShareSettings> {
  constructor(db: Db) {
    super(db, 'share_settings', ShareSettings, DEFAULT_SHARE_SETTINGS);
  }
}
