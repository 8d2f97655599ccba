/**
 * The notification samples of seed 001 (`../shared/seeds/001_77d7044a02d3af09.txt`, the
 * envelope of shared/reference/protocols.md §3), read from the seed itself, and a field-by-field
 * comparison of what a receiver got against them: the same key sets (order aside), the same
 * Object.Type, and values of the same kind (text, number, true/false, date, list of {Id, Type}).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SEED = '001_77d7044a02d3af09.txt';

function seedFile(): string {
  const candidates = [process.env.FLEETDESK_SEEDS, path.resolve(ROOT, '../shared/seeds'), '/work/shared/seeds'].filter((c): c is string => !!c);
  const found = candidates.find((c) => fs.existsSync(path.join(c, SEED)));
  if (!found) throw new Error(`seed ${SEED} not found (looked in ${candidates.join(', ')}); set FLEETDESK_SEEDS to the shared/seeds folder`);
  return path.join(found, SEED);
}

export type Sample = Record<string, any>;

/** Every JSON object of the text that starts with `{ "Event"`, in order. */
function jsonSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) {
    if (!/^\{\s*"Event"/.test(text.slice(i, i + 40))) continue;
    let depth = 0;
    let inString = false;
    let j = i;
    for (; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    out.push(JSON.parse(text.slice(i, j + 1)) as Sample);
    i = j;
  }
  return out;
}

let cache: Map<string, Sample> | null = null;

/**
 * The seed's sample per event name. The heartbeat sample spells its object's URL `Uri` where every
 * other sample, the issue and protocols.md §3 say `Url`: it is read as `Url`.
 */
export function seedSamples(): Map<string, Sample> {
  if (cache) return cache;
  const samples = jsonSamples(fs.readFileSync(seedFile(), 'utf8'));
  cache = new Map();
  for (const s of samples) {
    if (s.Object && 'Uri' in s.Object) {
      const { Uri, ...rest } = s.Object as Record<string, unknown>;
      s.Object = { ...rest, Url: Uri };
    }
    cache.set(s.Event as string, s);
  }
  return cache;
}

/** The envelope's own keys: every key any seed sample has (the track samples leave out ClientId). */
export function seedEnvelopeKeys(): string[] {
  const keys = new Set<string>();
  for (const s of seedSamples().values()) for (const k of Object.keys(s)) keys.add(k);
  return [...keys].sort();
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
/** ISO 8601 in UTC, as FleetDesk writes every time */
export const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'string' && ISO.test(v)) return 'date';
  return typeof v;
}

/**
 * `actual` has the structure of `sample`: the same keys (order aside), values of the same kind,
 * lists whose items have the sample's first item's structure. Keys named in `nullable` may be
 * null (what a phone does not report); a date must be UTC.
 */
export function assertSameShape(actual: unknown, sample: unknown, where: string, nullable: readonly string[] = []): void {
  const k = kind(actual);
  const name = where.split('.').pop()!;
  if (k === 'null' && nullable.includes(name)) return;
  assert.equal(k, kind(sample), `${where}: ${JSON.stringify(actual)} is not of the kind of the seed's ${JSON.stringify(sample)}`);
  if (k === 'date') assert.match(actual as string, ISO_UTC, `${where} is in UTC`);
  if (k === 'list') {
    const model = (sample as unknown[])[0];
    for (const [i, item] of (actual as unknown[]).entries()) assertSameShape(item, model, `${where}[${i}]`, nullable);
  }
  if (k === 'object') {
    const a = actual as Record<string, unknown>;
    const s = sample as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(s).sort(), `${where}: the seed's keys`);
    for (const key of Object.keys(s)) assertSameShape(a[key], s[key], `${where}.${key}`, nullable);
  }
}

export interface ShapeOptions {
  /** Details keys FleetDesk adds to the seed's (documented in the README's event table) */
  extraDetails?: Record<string, unknown>;
  /** Details keys that may be null (not reported by the phone) */
  nullable?: readonly string[];
}

/**
 * A received envelope compared with the seed's sample of its event, field by field: the envelope's
 * keys, Event, the kinds of Sender/UserId/ClientId, Object {Id, Type (the seed's), Url (absolute
 * on `origin`, or null where the seed's is null)}, Timestamp (ISO 8601 UTC) and Details (the
 * seed's keys and kinds).
 */
export function assertSeedEnvelope(env: Record<string, any>, origin: string, o: ShapeOptions = {}): void {
  const sample = seedSamples().get(env.Event as string);
  assert.ok(sample, `the seed has a sample of ${env.Event}`);
  const where = String(env.Event);
  assert.deepEqual(Object.keys(env).sort(), seedEnvelopeKeys(), `${where}: the envelope's keys`);
  for (const k of ['Sender', 'UserId', 'ClientId']) assert.equal(typeof env[k], 'string', `${where}.${k}`);
  assert.deepEqual(Object.keys(env.Object as object).sort(), ['Id', 'Type', 'Url'], `${where}.Object's keys`);
  assert.equal(env.Object.Type, sample.Object.Type, `${where}.Object.Type`);
  assert.equal(typeof env.Object.Id, 'string');
  if (sample.Object.Url === null) assert.equal(env.Object.Url, null, `${where}.Object.Url`);
  else assert.ok(typeof env.Object.Url === 'string' && env.Object.Url.startsWith(`${origin}/api/v1/`), `${where}.Object.Url ${env.Object.Url} is absolute on ${origin}`);
  assert.match(env.Timestamp as string, ISO_UTC, `${where}.Timestamp`);
  assertSameShape(env.Details, { ...sample.Details, ...o.extraDetails }, `${where}.Details`, o.nullable);
}
