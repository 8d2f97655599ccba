import { DEFAULT_TRIP_SETTINGS, TripSettings } from '../../../shared/api/trips';
import { CompanySettingsStore } from './company-settings';
import type { Db } from './database';

/** companies.trip_settings. Settings are read per detected trip, so a change applies to trips detected afterwards. */
export class TripSettingsStore extends CompanySettingsStore<typeof TripSettings> {
  constructor(db: Db) {
    super(db, 'trip_settings', TripSettings, DEFAULT_TRIP_SETTINGS);
  }
}
