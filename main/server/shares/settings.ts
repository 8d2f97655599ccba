import { Value } from 'typebox/value';
import { DEFAULT_SHARE_SETTINGS, ShareSettings } from '../../../shared/api/shares';

/**
 * A company's share settings: DEFAULT_SHARE_SETTINGS overlaid with what the company changed
 * (companies.share_settings, JSON, null = all defaults). A stored value that no longer passes
 * the schema falls back to the default for that key (as trips/settings.ts does).
 */
export function mergeShareSettings(json: string | null | undefined): ShareSettings {
  const out: ShareSettings = structuredClone(DEFAULT_SHARE_SETTINGS);
  if (!json) return out;
  let stored: unknown;
  try {
    stored = JSON.parse(json);
  } catch {
    return out;
  }
  if (!stored || typeof stored !== 'object') return out;
  for (const key of Object.keys(DEFAULT_SHARE_SETTINGS) as (keyof ShareSettings)[]) {
    if (!(key in stored)) continue;
    const candidate = { ...out, [key]: (stored as Record<string, unknown>)[key] };
    if (Value.Check(ShareSettings, candidate)) Object.assign(out, { [key]: candidate[key] });
  }
  return out;
}
