/**
 * Azure Event Grid: each event is published to a custom topic (or domain) with `@azure/eventgrid`,
 * authenticated by the topic key (`aeg-sas-key`), in the input schema the topic was created with:
 *
 * - EventGrid: `id` = event id, `eventType` = Event, `subject`, `dataVersion` "1.0",
 *   `eventTime` = Timestamp, `data` = the envelope;
 * - CloudEvents 1.0: `id`, `type` = Event, `source`, `subject`, `time`, `data` = the envelope as
 *   application/json (sent as `application/cloudevents-batch+json`).
 *
 * The stable event id is the `id` a subscriber deduplicates with. The SDK does not retry (the
 * outbox does) and the outbox's AbortSignal ends a send. The endpoint must be https; plain http is
 * accepted only on this computer (localhost, 127.0.0.1, [::1]) for emulators and tests.
 */
import type { CloudEvent, SendEventGridEventInput } from '@azure/eventgrid';
import type { NotificationEnvelope, ProviderSettings } from '../../../../shared/api/notifications';
import { badRequest } from '../../errors';
import { VERSION } from '../../version';
import { elapsed, lazyClient, plainError, type OutgoingEvent, type ProviderKind } from '../provider';
import { keepAliveAgents, oneLine } from './agents';

type Settings = ProviderSettings['azure-event-grid'];
type Schema = Settings['schema'];

const ENDPOINT_EXAMPLE = 'https://fleet-events.westeurope-1.eventgrid.azure.net/api/events';
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `subject`: lets subscriptions filter by prefix (one device) or suffix (one object type). */
export function eventSubject(e: NotificationEnvelope): string {
  const object = `${e.Object.Type}/${encodeURIComponent(e.Object.Id)}`;
  return e.UserId ? `devices/${encodeURIComponent(e.UserId)}/${object}` : object;
}

/** CloudEvents `source`: who produced the event (the envelope's Sender). */
export function cloudEventSource(e: NotificationEnvelope): string {
  return `/fleetdesk/${encodeURIComponent(e.Sender)}`;
}

const eventTime = (e: NotificationEnvelope): Date => {
  const t = new Date(e.Timestamp);
  return Number.isNaN(t.getTime()) ? new Date() : t;
};

export function toEventGridEvent({ id, envelope }: OutgoingEvent): SendEventGridEventInput<NotificationEnvelope> {
  return { id, eventType: envelope.Event, subject: eventSubject(envelope), dataVersion: '1.0', eventTime: eventTime(envelope), data: envelope };
}

export function toCloudEvent({ id, envelope }: OutgoingEvent): CloudEvent<NotificationEnvelope> {
  return {
    id,
    type: envelope.Event,
    source: cloudEventSource(envelope),
    subject: eventSubject(envelope),
    time: eventTime(envelope),
    datacontenttype: 'application/json',
    data: envelope,
  };
}

/** Checks the endpoint and fills in the path the portal shows when only the host was pasted. */
function checkEndpoint(endpoint: string): string {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw badRequest(`endpoint must be the topic endpoint from the topic's Overview page, e.g. ${ENDPOINT_EXAMPLE}`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) {
    throw badRequest(`endpoint must start with https://, e.g. ${ENDPOINT_EXAMPLE} (http:// only for an emulator on this computer: localhost or 127.0.0.1)`);
  }
  if (u.username || u.password) throw badRequest('endpoint must not hold a user name or password: the topic key authenticates');
  if (u.hash) throw badRequest('endpoint must not have a fragment (#…)');
  if (u.pathname.includes(':publish')) throw badRequest('endpoint is an Event Grid namespace topic, which FleetDesk does not publish to: use a custom topic or domain (its endpoint ends in /api/events)');
  if (u.pathname === '/') u.pathname = '/api/events';
  return u.href;
}

/** Azure's name for a topic's input schema (in its 400 answers) → the setting that matches it. */
function schemaSetting(azureName: string): Schema | null {
  if (/cloud/i.test(azureName)) return 'CloudEvents';
  if (/eventgrid/i.test(azureName)) return 'EventGrid';
  return null;
}

/** A failed publish in words, with the HTTP status when Azure answered. */
export function eventGridError(err: unknown, signal: AbortSignal, schema: Schema): { status: number | null; error: string } {
  const e = err as { statusCode?: number; message?: string };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : null;
  if (signal.aborted || status === null) return { status, error: plainError(err, signal) };
  // Azure ends its messages with a support reference that means nothing to the reader
  const said = oneLine(e.message?.replace(/\s*Report '[^']*' to our forums[\s\S]*$/, ''));
  const withSaid = (words: string) => (said ? `${words}: ${said}` : words);
  switch (status) {
    // Azure's 401 text may quote the key: it stays out of the log
    case 401:
      return { status, error: "Azure refused the topic key (401): use Key 1 or Key 2 from the topic's Access keys page" };
    case 403:
      return { status, error: withSaid('Azure refused access to the topic (403): check its networking settings') };
    case 404:
      return { status, error: "the topic endpoint was not found (404): use the endpoint from the topic's Overview page, ending in /api/events" };
    case 413:
      return { status, error: 'the event is too large for Event Grid (413)' };
    case 429:
      return { status, error: 'Event Grid is limiting the rate of events (429); FleetDesk tries again later' };
  }
  if (status === 400) {
    const m = /configured (?:for|to receive events? in) '([^']+)' schema/i.exec(e.message ?? '');
    if (m) {
      const expected = schemaSetting(m[1]!);
      if (expected === null) return { status, error: `the topic expects a custom input schema (${m[1]}): create the topic with the Event Grid or CloudEvents v1.0 input schema` };
      if (expected !== schema) return { status, error: `the topic expects the other input schema (${m[1]}): set this destination's schema to ${expected}` };
    }
    return { status, error: withSaid('Event Grid refused the event (400)') };
  }
  if (status >= 500) return { status, error: withSaid(`Event Grid had a server error (${status}); FleetDesk tries again later`) };
  return { status, error: withSaid(`Event Grid answered ${status}`) };
}

export const eventGrid: ProviderKind<Settings> = {
  provider: 'azure-event-grid',
  prepare(raw) {
    const endpoint = (raw.endpoint ?? '').trim();
    if (!endpoint) throw badRequest(`endpoint is required: the topic endpoint from the topic's Overview page, e.g. ${ENDPOINT_EXAMPLE}`);
    const s: Settings = { ...raw, endpoint: checkEndpoint(endpoint), ...(raw.key === undefined ? {} : { key: raw.key.trim() }) };
    if (!s.key) throw badRequest("key is required: Key 1 or Key 2 from the topic's Access keys page");
    if (!/^[\x21-\x7e]{1,200}$/.test(s.key)) throw badRequest("key must be one of the topic's access keys as shown on its Access keys page (no spaces)");
    if (s.schema !== 'EventGrid' && s.schema !== 'CloudEvents') {
      throw badRequest('schema must be "EventGrid" or "CloudEvents": the input schema chosen when the topic was created (topic Overview → Input schema)');
    }
    return s;
  },
  connect(s, env) {
    return lazyClient(async () => {
      const { AzureKeyCredential, EventGridPublisherClient } = await import('@azure/eventgrid');
      const agents = keepAliveAgents(env);
      const local = new URL(s.endpoint).protocol === 'http:';
      const options = {
        retryOptions: { maxRetries: 0 },
        agent: local ? agents.http : agents.https,
        allowInsecureConnection: local,
        userAgentOptions: { userAgentPrefix: `FleetDesk/${VERSION}` },
      };
      const credential = new AzureKeyCredential(s.key ?? '');
      // the SDK resolves without the response: its status is read on the way
      type Publish = (event: OutgoingEvent, options: { abortSignal: AbortSignal; onResponse: (r: { status: number }) => void }) => Promise<void>;
      let publish: Publish;
      if (s.schema === 'CloudEvents') {
        const client = new EventGridPublisherClient(s.endpoint, 'CloudEvent', credential, options);
        publish = (event, o) => client.send([toCloudEvent(event)], o);
      } else {
        const client = new EventGridPublisherClient(s.endpoint, 'EventGrid', credential, options);
        publish = (event, o) => client.send([toEventGridEvent(event)], o);
      }
      return {
        async send(event, signal) {
          const start = performance.now();
          let status = 200;
          try {
            await publish(event, { abortSignal: signal, onResponse: (r) => (status = r.status) });
            return { ok: true, status, ms: elapsed(start), error: null };
          } catch (err) {
            return { ok: false, ms: elapsed(start), ...eventGridError(err, signal, s.schema) };
          }
        },
        async close() {
          agents.destroy();
        },
      };
    });
  },
};
