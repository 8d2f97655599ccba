import { DEFAULT_SHARE_SETTINGS, ShareSettings } from '../../../shared/api/shares';
import { mergeSettings } from '../store/company-settings';

/** A company's share settings from companies.share_settings (store/company-settings.ts). */
export const mergeShareSettings = (json: string | null | undefined): ShareSettings => mergeSettings(ShareSettings, DEFAULT_SHARE_SETTINGS, json);
