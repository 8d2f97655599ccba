/**
 * The destination form's state and its way to a request: the fields each provider asks for, a
 * draft from a stored destination, the checks made before sending (empty required fields, no
 * events, no devices picked), and the create / update bodies. Secrets are never prefilled: a
 * secret typed in is sent, one left empty keeps its stored value (the server merges settings).
 */
import { EVENT_NAMES, type EventName } from '../../../../shared/api/events';
import { SECRET_FIELDS, type Destination, type DestinationCreate, type DestinationUpdate, type Provider } from '../../../../shared/api/notifications';

export interface FieldSpec {
  key: string;
  label: string;
  placeholder?: string;
  hint?: string;
  /** may be left empty */
  optional?: boolean;
  /** a write-only secret: a password input, "Set" with Replace once stored */
  secret?: boolean;
  /** a choice instead of text */
  choices?: readonly string[];
}

export const PROVIDER_FIELDS: Record<Provider, FieldSpec[]> = {
  webhook: [
    { key: 'url', label: 'URL', placeholder: 'https://backend.example.com/fleetdesk', hint: 'FleetDesk POSTs each event here as JSON.' },
    {
      key: 'secret',
      label: 'Signing secret',
      secret: true,
      optional: true,
      placeholder: 'whsec_…',
      hint: 'Leave empty and FleetDesk makes one; you see it once, after saving.',
    },
  ],
  'aws-sns': [
    { key: 'region', label: 'Region', placeholder: 'eu-central-1' },
    { key: 'topic_arn', label: 'Topic ARN', placeholder: 'arn:aws:sns:eu-central-1:123456789012:fleet-events' },
    { key: 'access_key_id', label: 'Access key ID', placeholder: 'AKIA…' },
    { key: 'secret_access_key', label: 'Secret access key', secret: true },
    { key: 'endpoint', label: 'Endpoint', optional: true, placeholder: 'e.g. http://localhost:4566', hint: 'Only for an SNS-compatible service; leave empty for AWS.' },
  ],
  'azure-event-grid': [
    { key: 'endpoint', label: 'Topic endpoint', placeholder: 'https://my-topic.westeurope-1.eventgrid.azure.net/api/events' },
    { key: 'key', label: 'Access key', secret: true },
    { key: 'schema', label: 'Event schema', choices: ['EventGrid', 'CloudEvents'], hint: 'The input schema the topic was created with.' },
  ],
  'azure-service-bus': [
    {
      key: 'connection_string',
      label: 'Connection string',
      secret: true,
      placeholder: 'Endpoint=sb://….servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…',
    },
    { key: 'entity', label: 'Queue or topic name', placeholder: 'fleet-events' },
  ],
};

/** Every field the form can point a problem at. */
export type FieldKey = 'name' | 'headers' | 'events' | 'devices' | string;

export const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  headers: 'Custom headers',
  events: 'Events',
  devices: 'Devices',
};

export function fieldLabel(provider: Provider, key: string): string {
  return PROVIDER_FIELDS[provider].find((f) => f.key === key)?.label ?? FIELD_LABELS[key] ?? key;
}

export interface HeaderRow {
  name: string;
  value: string;
}

export interface DestinationDraft {
  name: string;
  provider: Provider;
  /** the provider's plain fields, as typed */
  settings: Record<string, string>;
  /** webhook custom headers */
  headers: HeaderRow[];
  /** secrets typed in; empty: keep the stored one (or, for a new webhook, let the server make one) */
  secrets: Record<string, string>;
  /** secret fields whose Replace input is open */
  replacing: string[];
  events: EventName[];
  allDevices: boolean;
  devices: string[];
  enabled: boolean;
}

function defaultSettings(provider: Provider): Record<string, string> {
  const s: Record<string, string> = {};
  for (const f of PROVIDER_FIELDS[provider]) if (!f.secret) s[f.key] = f.choices?.[0] ?? '';
  return s;
}

export function emptyDraft(provider: Provider = 'webhook'): DestinationDraft {
  return { name: '', provider, settings: defaultSettings(provider), headers: [], secrets: {}, replacing: [], events: [...EVENT_NAMES], allDevices: true, devices: [], enabled: true };
}

/** A new provider chosen in a new destination: its own fields, the rest kept. */
export const withProvider = (d: DestinationDraft, provider: Provider): DestinationDraft => ({ ...d, provider, settings: defaultSettings(provider), headers: [], secrets: {}, replacing: [] });

export function draftOf(d: Destination): DestinationDraft {
  const settings = defaultSettings(d.provider);
  for (const [k, v] of Object.entries(d.settings)) if (typeof v === 'string') settings[k] = v;
  const headers = d.provider === 'webhook' && d.settings.headers && typeof d.settings.headers === 'object' ? Object.entries(d.settings.headers as Record<string, unknown>).map(([name, value]) => ({ name, value: String(value) })) : [];
  return {
    name: d.name,
    provider: d.provider,
    settings,
    headers,
    secrets: {},
    replacing: [],
    events: EVENT_NAMES.filter((e) => d.events.includes(e)),
    allDevices: d.devices === null,
    devices: d.devices ?? [],
    enabled: d.enabled,
  };
}

export interface Problem {
  /** the form field it is about, or null for the form as a whole */
  field: FieldKey | null;
  text: string;
}

/** "Region" → "region", but "URL" stays "URL". */
export const lowerFirst = (s: string): string => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

/** A secret that must hold a value: asked for when the destination has none stored yet. */
const needsSecret = (provider: Provider, key: string, stored: readonly string[]): boolean => provider !== 'webhook' && !stored.includes(key);

/** What to fix before sending, field by field (empty list: send it). */
export function checkDraft(d: DestinationDraft, storedSecrets: readonly string[] = []): Problem[] {
  const out: Problem[] = [];
  if (!d.name.trim()) out.push({ field: 'name', text: 'Give the destination a name, e.g. “Billing backend”.' });
  for (const f of PROVIDER_FIELDS[d.provider]) {
    if (f.optional) continue;
    const value = f.secret ? (d.secrets[f.key] ?? '') : (d.settings[f.key] ?? '');
    if (value.trim()) continue;
    if (f.secret && !needsSecret(d.provider, f.key, storedSecrets)) continue;
    out.push({ field: f.key, text: `Enter the ${lowerFirst(f.label)}.` });
  }
  const seen = new Set<string>();
  for (const h of d.headers) {
    const name = h.name.trim();
    if (!name && !h.value.trim()) continue;
    if (!name) out.push({ field: 'headers', text: 'Each custom header needs a name.' });
    else if (seen.has(name.toLowerCase())) out.push({ field: 'headers', text: `The header “${name}” is listed twice.` });
    seen.add(name.toLowerCase());
  }
  if (d.events.length === 0) out.push({ field: 'events', text: 'Pick at least one event type.' });
  if (!d.allDevices && d.devices.length === 0) out.push({ field: 'devices', text: 'Pick at least one device, or choose “All devices”.' });
  return out;
}

/** The settings object to send: plain fields, headers, and only the secrets typed in. */
function settingsOf(d: DestinationDraft, editing: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of PROVIDER_FIELDS[d.provider]) {
    if (f.secret) {
      const v = (d.secrets[f.key] ?? '').trim();
      if (v) out[f.key] = v;
      continue;
    }
    const v = (d.settings[f.key] ?? '').trim();
    // An optional field emptied on an edit is cleared (null), since settings are merged.
    if (v) out[f.key] = v;
    else if (f.optional && editing) out[f.key] = null;
  }
  if (d.provider === 'webhook') {
    const headers = Object.fromEntries(d.headers.filter((h) => h.name.trim()).map((h) => [h.name.trim(), h.value]));
    if (Object.keys(headers).length > 0 || editing) out.headers = headers;
  }
  return out;
}

export function draftToCreate(d: DestinationDraft): DestinationCreate {
  return { name: d.name.trim(), provider: d.provider, settings: settingsOf(d, false), events: d.events, devices: d.allDevices ? null : d.devices, enabled: d.enabled };
}

export function draftToUpdate(d: DestinationDraft): DestinationUpdate {
  return { name: d.name.trim(), settings: settingsOf(d, true), events: d.events, devices: d.allDevices ? null : d.devices, enabled: d.enabled };
}

export const secretFields = (p: Provider): string[] => SECRET_FIELDS[p];
