/** The share settings form's fields as typed, and the changes they make (or what to fix first), with the limits from shared/api/shares.ts. */
import { ShareSettings, type ShareSettingsUpdate } from '../../../../shared/api/shares';
import { rangeWords, type FieldSpecs } from '../../lib/form-errors';

type NumberKey = 'arriving_distance_m' | 'arrived_radius_m' | 'arrived_hold_s' | 'auto_complete_after_min' | 'detour_factor' | 'position_decimals';
type TextKey = 'public_base_url' | 'routing_url' | 'frame_origins';
export type ShareSettingsFields = Record<NumberKey | TextKey, string>;

export const NUMBER_FIELDS: { key: NumberKey; label: string; unit: string; hint: string; empty?: string }[] = [
  { key: 'arriving_distance_m', label: 'Almost there within', unit: 'm', hint: 'the page says “Almost there” this close to the destination' },
  { key: 'arrived_radius_m', label: 'Arrived within', unit: 'm', hint: 'the page says “Arrived” this close…' },
  { key: 'arrived_hold_s', label: 'Arrived after staying', unit: 's', hint: '…once the van has stayed that close this long' },
  { key: 'auto_complete_after_min', label: 'Complete by itself after', unit: 'min', hint: 'after arrival; empty: only when a dispatcher completes it', empty: 'only by hand' },
  { key: 'detour_factor', label: 'Detour factor', unit: '×', hint: 'straight-line distance × this = the road distance for the ETA' },
  { key: 'position_decimals', label: 'Round positions to', unit: 'decimals', hint: 'what the page gets (4 ≈ 10 m); empty: as measured', empty: 'as measured' },
];

const limits = (key: NumberKey): { min: number; max: number } => {
  const s = ShareSettings.properties[key] as unknown as { minimum?: number; maximum?: number; anyOf?: { minimum?: number; maximum?: number }[] };
  const n = s.anyOf?.find((x) => x.minimum !== undefined) ?? s;
  return { min: n.minimum ?? -Infinity, max: n.maximum ?? Infinity };
};

export function toFields(s: ShareSettings): ShareSettingsFields {
  const num = (v: number | null) => (v === null ? '' : String(v));
  return {
    public_base_url: s.public_base_url ?? '',
    routing_url: s.routing_url ?? '',
    frame_origins: s.frame_origins.join('\n'),
    arriving_distance_m: num(s.arriving_distance_m),
    arrived_radius_m: num(s.arrived_radius_m),
    arrived_hold_s: num(s.arrived_hold_s),
    auto_complete_after_min: num(s.auto_complete_after_min),
    detour_factor: num(s.detour_factor),
    position_decimals: num(s.position_decimals),
  };
}

const isHttpUrl = (v: string) => /^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/i.test(v);

export const SHARE_SETTINGS_SPECS: FieldSpecs<keyof ShareSettingsFields> = {
  ...(Object.fromEntries(NUMBER_FIELDS.map((d) => [d.key, { label: d.label, unit: d.unit }])) as FieldSpecs<NumberKey>),
  public_base_url: { label: 'Public address', form: 'an address such as https://track.example.com' },
  routing_url: { label: 'Routing service', form: 'an address such as https://router.example.com' },
  frame_origins: { label: 'Web sites that may show the page', form: 'web site addresses such as https://shop.example.com' },
};

type Problem = { problem: string; field: keyof ShareSettingsFields };

/** What changed against `saved`, or a sentence saying what to fix and where. */
export function fieldsToChanges(f: ShareSettingsFields, saved: ShareSettings): { changes: ShareSettingsUpdate } | Problem {
  const next: Partial<Record<keyof ShareSettings, unknown>> = {};
  for (const d of NUMBER_FIELDS) {
    const text = f[d.key].trim().replace(',', '.');
    if (text === '' && d.empty) {
      next[d.key] = null;
      continue;
    }
    const v = Number(text);
    const { min, max } = limits(d.key);
    if (text === '' || !Number.isFinite(v)) return { field: d.key, problem: `${d.label} must be a number.` };
    if (v < min || v > max) return { field: d.key, problem: `${d.label} must be ${rangeWords(min, max, d.unit)}.` };
    if (d.key === 'position_decimals' && !Number.isInteger(v)) return { field: d.key, problem: 'Round positions to a whole number of decimals.' };
    next[d.key] = v;
  }
  if ((next.arrived_radius_m as number) > (next.arriving_distance_m as number)) return { field: 'arrived_radius_m', problem: '“Arrived within” must not be larger than “Almost there within”.' };
  const base = f.public_base_url.trim().replace(/\/+$/, '');
  if (base && !isHttpUrl(base)) return { field: 'public_base_url', problem: 'The public address must start with http:// or https://, e.g. https://track.example.com.' };
  next.public_base_url = base || null;
  const routing = f.routing_url.trim();
  if (routing && !isHttpUrl(routing)) return { field: 'routing_url', problem: 'The routing service address must start with http:// or https://.' };
  next.routing_url = routing || null;
  const origins = f.frame_origins.split(/[\s,]+/).filter(Boolean);
  const badOrigin = origins.find((o) => !/^https?:\/\/[^/\s?#]+\/?$/i.test(o));
  if (badOrigin) return { field: 'frame_origins', problem: `“${badOrigin}” is not a web site address such as https://shop.example.com (no path).` };
  if (origins.length > 10) return { field: 'frame_origins', problem: 'At most 10 web sites may show the page.' };
  next.frame_origins = origins.map((o) => o.replace(/\/$/, ''));

  const changes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) if (JSON.stringify(v) !== JSON.stringify(saved[k as keyof ShareSettings])) changes[k] = v;
  return { changes: changes as ShareSettingsUpdate };
}
