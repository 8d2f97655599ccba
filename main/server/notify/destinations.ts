/**
 * A company's notification destinations (the seed's per-instance rules): create, change, remove,
 * and what REST and the console show. Settings are checked by their provider (`prepare`) before
 * they are stored; secrets are split off, sealed, and never shown again (`secrets_set` names
 * those that hold a value). Every change restarts the destination's worker in the outbox.
 */
import { randomBytes } from 'node:crypto';
import { iso, isoOrNull } from '../../../shared/time';
import { EVENT_NAMES } from '../../../shared/api/events';
import {
  SECRET_FIELDS,
  SETTINGS_SCHEMAS,
  type Destination,
  type DestinationCreate,
  type DestinationUpdate,
  type Provider,
} from '../../../shared/api/notifications';
import { schemaCheck } from '../../../shared/schema-check';
import type { Clock } from '../clock';
import { badRequest, notFound } from '../errors';
import type { DestinationRow } from '../store/destinations';
import type { Storage } from '../store/storage';
import type { ProviderKind } from './provider';
import type { SecretBox } from './secret-box';

export interface DestinationDeps {
  storage: Pick<Storage, 'destinations' | 'deliveries' | 'events' | 'users' | 'atomically'>;
  clock: Pick<Clock, 'now'>;
  box: SecretBox;
  kinds: Partial<Record<Provider, ProviderKind<never>>>;
  /** the outbox restarts the destination's worker */
  changed(companyId: string, id: string): void;
}

type Settings = Record<string, unknown>;


export class DestinationService {
  constructor(private readonly deps: DestinationDeps) {}

  list(companyId: string): Destination[] {
    return this.deps.storage.destinations.ofCompany(companyId).map((r) => this.view(r));
  }

  get(companyId: string, id: string): Destination {
    return this.view(this.require(companyId, id));
  }

  /** The stored row with its secrets opened: what a provider client is built from. */
  complete(row: DestinationRow): Settings {
    return { ...row.settings, ...this.openSecrets(row) };
  }

  create(companyId: string, body: DestinationCreate): Destination & { created_secret?: string } {
    const kind = this.kind(body.provider);
    const given = this.checked(body.provider, body.settings);
    const full = kind.prepare(given as never) as Settings;
    const { plain, sealed } = this.split(body.provider, full);
    const now = this.deps.clock.now();
    const id = `dst_${randomBytes(9).toString('base64url')}`;
    this.deps.storage.destinations.insert({
      id,
      companyId,
      name: this.name(body.name),
      provider: body.provider,
      settings: plain,
      sealedSecrets: sealed,
      events: body.events ?? [...EVENT_NAMES],
      devices: this.devices(companyId, body.devices ?? null),
      enabled: body.enabled ?? true,
      // a new destination receives what happens from now on, not the company's history
      cursor: this.deps.storage.events.newestId(),
      createdAt: now,
      updatedAt: now,
    });
    this.deps.changed(companyId, id);
    const view = this.get(companyId, id);
    // a webhook secret FleetDesk made is shown once, so the receiver can be set up with it
    return body.provider === 'webhook' && given.secret === undefined ? { ...view, created_secret: String(full.secret) } : view;
  }

  update(companyId: string, id: string, body: DestinationUpdate): Destination {
    const row = this.require(companyId, id);
    const changes: Parameters<Storage['destinations']['update']>[2] = {};
    if (body.name !== undefined) changes.name = this.name(body.name);
    if (body.events !== undefined) changes.events = body.events;
    if (body.devices !== undefined) changes.devices = this.devices(companyId, body.devices);
    if (body.enabled !== undefined) changes.enabled = body.enabled;
    if (body.settings !== undefined) {
      const secretNames = SECRET_FIELDS[row.provider];
      const missing = secretNames.filter((f) => body.settings![f] === undefined);
      let stored: Settings = {};
      if (missing.length > 0 && row.sealedSecrets !== null) {
        try {
          stored = this.openSecrets(row);
        } catch (err) {
          throw badRequest(`${missing[0]} must be entered again: ${(err as Error).message}`);
        }
      }
      // a null in the body clears an optional field (e.g. an SNS endpoint override)
      const merged = Object.fromEntries(Object.entries({ ...row.settings, ...stored, ...body.settings }).filter(([, v]) => v !== null));
      const full = this.kind(row.provider).prepare(this.checked(row.provider, merged) as never) as Settings;
      const { plain, sealed } = this.split(row.provider, full);
      changes.settings = plain;
      changes.sealedSecrets = sealed;
    }
    this.deps.storage.destinations.update(companyId, id, changes, this.deps.clock.now());
    this.deps.changed(companyId, id);
    return this.get(companyId, id);
  }

  remove(companyId: string, id: string): void {
    if (!this.deps.storage.destinations.remove(companyId, id)) throw notFound(`no destination "${id}"`);
    this.deps.changed(companyId, id);
  }

  require(companyId: string, id: string): DestinationRow {
    const row = this.deps.storage.destinations.get(companyId, id);
    if (!row) throw notFound(`no destination "${id}"`);
    return row;
  }

  view(r: DestinationRow): Destination {
    const { destinations, deliveries } = this.deps.storage;
    return {
      id: r.id,
      name: r.name,
      provider: r.provider,
      settings: r.settings,
      ...this.secretState(r),
      events: r.events,
      devices: r.devices,
      enabled: r.enabled,
      created_at: iso(r.createdAt),
      updated_at: iso(r.updatedAt),
      health: {
        failing_since: isoOrNull(r.failingSince),
        last_success_at: isoOrNull(r.lastSuccessAt),
        last_error: r.lastError,
        pending: destinations.pending(r),
        dead: deliveries.deadCount(r.id),
      },
    };
  }

  private kind(provider: Provider): ProviderKind<never> {
    const k = this.deps.kinds[provider];
    if (!k) throw badRequest(`provider "${provider}" is not available in this FleetDesk`);
    return k;
  }

  private checked(provider: Provider, settings: Settings): Settings {
    const r = schemaCheck(SETTINGS_SCHEMAS[provider]).parse(settings);
    if ('problem' in r) throw badRequest(r.problem);
    return r.value as Settings;
  }

  private name(name: string): string {
    const n = name.trim();
    if (!n) throw badRequest('name must not be empty');
    return n;
  }

  private devices(companyId: string, ids: string[] | null): string[] | null {
    if (ids === null) return null;
    for (const d of ids) if (!this.deps.storage.users.get(companyId, d)) throw badRequest(`devices: there is no device "${d}" in this company`);
    return ids;
  }

  private split(provider: Provider, full: Settings): { plain: Settings; sealed: string | null } {
    const names = SECRET_FIELDS[provider];
    const plain: Settings = {};
    const secret: Settings = {};
    for (const [k, v] of Object.entries(full)) (names.includes(k) ? secret : plain)[k] = v;
    return { plain, sealed: Object.keys(secret).length ? this.deps.box.seal(JSON.stringify(secret)) : null };
  }

  private openSecrets(r: DestinationRow): Settings {
    return r.sealedSecrets === null ? {} : (JSON.parse(this.deps.box.open(r.sealedSecrets)) as Settings);
  }

  /** Which secret fields hold a value, and whether this server can open them. */
  private secretState(r: DestinationRow): { secrets_set: string[]; secrets_problem: string | null } {
    if (r.sealedSecrets === null) return { secrets_set: [], secrets_problem: null };
    try {
      const names = Object.keys(this.openSecrets(r));
      return { secrets_set: SECRET_FIELDS[r.provider].filter((f) => names.includes(f)), secrets_problem: null };
    } catch (err) {
      return { secrets_set: SECRET_FIELDS[r.provider], secrets_problem: `${(err as Error).message}: enter the secret again` };
    }
  }
}
