import { Value } from 'typebox/value';
import { DEFAULT_TRIP_SETTINGS, TripSettings } from '../../../shared/api/trips';

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
