/**
 * Azure Service Bus: each event is one message on a queue or topic, sent with the vendor's SDK
 * (`@azure/service-bus`, AMQP 1.0). The body is the JSON envelope (a data section, content type
 * application/json); `messageId` is the stable event id, so a queue or topic with duplicate
 * detection drops the copies a retry may send; `subject` is the event type, and the application
 * properties Event, UserId and ObjectType let subscriptions filter without reading the body.
 *
 * One ServiceBusClient (one AMQP connection) and one sender per destination, reused for every send;
 * when the connection drops, the SDK opens a new one on the next send. The SDK itself does not
 * retry (maxRetries 0): the outbox owns retries, backoff and dead letters.
 */
import type { ServiceBusClient, ServiceBusMessage, ServiceBusSender } from '@azure/service-bus';
import type { ProviderSettings } from '../../../../shared/api/notifications';
import { badRequest } from '../../errors';
import { elapsed, lazyClient, plainError, type ProviderClient, type ProviderKind } from '../provider';
import { VERSION } from '../../version';

type Settings = ProviderSettings['azure-service-bus'];

/** How long the SDK waits for one operation (connect, claim, attach, send) before giving up itself. */
export const SERVICE_BUS_TIMEOUT_MS = 30_000;

const EXAMPLE = 'Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>';
const KNOWN_KEYS = ['Endpoint', 'SharedAccessKeyName', 'SharedAccessKey', 'SharedAccessSignature', 'EntityPath', 'UseDevelopmentEmulator'];
/** `sb://host[:port][/]`: a host name or IPv4 address, no path */
const ENDPOINT = /^sb:\/\/([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::(\d{1,5}))?\/?$/;
/** Queue and topic names: letters, digits, periods, hyphens, underscores and slashes, 1–260 */
const ENTITY = /^[A-Za-z0-9._/-]{1,260}$/;

/** The connection string's Name=value parts, split the way the SDK (core-amqp) splits them. */
function parts(cs: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of cs.split(';')) {
    const part = raw.trim();
    if (!part) continue;
    const i = part.indexOf('=');
    if (i <= 0) throw badRequest(`connection_string must be Name=value parts separated by ";" ("${part.slice(0, 40)}" is not), e.g. ${EXAMPLE}`);
    out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

function checkEntity(entity: string): void {
  if (!ENTITY.test(entity)) throw badRequest(`entity must be the name of a queue or topic: 1 to 260 letters, digits, ".", "-", "_" or "/" (e.g. fleetdesk-events), not "${entity.slice(0, 60)}"`);
  if (entity.startsWith('/') || entity.endsWith('/') || entity.includes('//')) throw badRequest(`entity "${entity}" must not start or end with "/" or hold an empty path segment ("//")`);
}

/** Checks a connection string field by field; answers it trimmed. */
function checkConnectionString(cs: string, entity: string): string {
  const p = parts(cs);
  for (const key of p.keys()) {
    const known = KNOWN_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
    if (known && known !== key) throw badRequest(`connection_string: write "${known}" exactly so (not "${key}"), e.g. ${EXAMPLE}`);
  }
  const endpoint = p.get('Endpoint');
  if (!endpoint) throw badRequest(`connection_string has no Endpoint: copy the whole "Primary Connection String" of a shared access policy, e.g. ${EXAMPLE}`);
  const m = ENDPOINT.exec(endpoint);
  if (!m) throw badRequest(`connection_string: Endpoint must be sb://<namespace>.servicebus.windows.net/ (a host name, an optional :port, nothing after the "/"), not "${endpoint.slice(0, 100)}"`);
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && (port < 1 || port > 65535)) throw badRequest(`connection_string: the port in Endpoint must be 1 to 65535, not ${m[2]}`);

  const emulator = p.get('UseDevelopmentEmulator');
  if (emulator !== undefined && emulator !== 'true' && emulator !== 'false') throw badRequest('connection_string: UseDevelopmentEmulator must be true or false');
  if (emulator === 'true' && /\.servicebus\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net|cloudapi\.de)$/i.test(m[1]!)) {
    throw badRequest('connection_string: UseDevelopmentEmulator=true is for the local Service Bus emulator (plain AMQP without TLS); remove it for an Azure namespace');
  }

  const keyName = p.get('SharedAccessKeyName');
  const key = p.get('SharedAccessKey');
  const sas = p.get('SharedAccessSignature');
  if (sas !== undefined) {
    if (keyName !== undefined || key !== undefined) throw badRequest('connection_string: give either SharedAccessKeyName and SharedAccessKey, or a SharedAccessSignature, not both');
    const t = /^SharedAccessSignature (.+)$/.exec(sas);
    const fields = new URLSearchParams(t?.[1] ?? '');
    if (!t || !fields.get('sr') || !fields.get('sig') || !fields.get('se')) {
      throw badRequest('connection_string: SharedAccessSignature must be a token "SharedAccessSignature sr=…&sig=…&se=…&skn=…"');
    }
    const se = Number(fields.get('se'));
    if (!Number.isFinite(se) || se * 1000 <= Date.now()) throw badRequest(`connection_string: the SharedAccessSignature has expired (se=${fields.get('se')}): make a new one or use SharedAccessKeyName and SharedAccessKey`);
  } else {
    if (!keyName) throw badRequest(`connection_string has no SharedAccessKeyName (the policy's name, e.g. RootManageSharedAccessKey): ${EXAMPLE}`);
    if (!key) throw badRequest(`connection_string has no SharedAccessKey (the policy's primary or secondary key): ${EXAMPLE}`);
    if (/\s/.test(key)) throw badRequest('connection_string: SharedAccessKey must not contain spaces');
  }

  const entityPath = p.get('EntityPath');
  if (entityPath !== undefined && entityPath !== entity) {
    throw badRequest(`connection_string belongs to the queue or topic "${entityPath}" (EntityPath) but entity is "${entity}": set entity to "${entityPath}", or use a namespace-level policy's connection string`);
  }
  return cs;
}

/** An error thrown by the SDK in words for the delivery log; the AMQP condition in brackets where it helps. */
export function serviceBusError(err: unknown, entity: string, signal?: AbortSignal): string {
  if (signal?.aborted) return plainError(err, signal);
  // after a retry the SDK throws every attempt's error together: the last one tells
  if (err instanceof AggregateError && err.errors.length) return serviceBusError(err.errors.at(-1), entity);
  const e = err as { name?: string; code?: string; message?: string; condition?: string };
  const msg = String(e?.message ?? err);
  // the SDK's first line without tracking ids and references, for the brackets
  const detail = msg
    .split('\n')[0]!
    .replace(/\s*(TrackingId|Reference|SystemTracker|Timestamp):.*$/i, '')
    .replace(/\s*To know more visit \S+/i, '')
    .trim()
    .slice(0, 200);
  switch (e?.code) {
    case 'UnauthorizedAccess':
      return `Service Bus refused the shared access key (${detail || 'unauthorized'}): check SharedAccessKeyName and SharedAccessKey, and that the policy has the Send claim`;
    case 'MessagingEntityNotFound':
      return `the queue or topic "${entity}" does not exist in this namespace`;
    case 'MessagingEntityDisabled':
      return `the queue or topic "${entity}" is disabled`;
    case 'MessageSizeExceeded':
      return `the message is larger than the queue or topic "${entity}" accepts (${detail || 'message size exceeded'})`;
    case 'QuotaExceeded':
      return `the queue or topic "${entity}" is full or over its quota (${detail || 'quota exceeded'})`;
    case 'ServiceBusy':
      return 'Service Bus is busy and throttled the send (server busy)';
    case 'ServiceTimeout':
      return 'no answer in time (timed out)';
  }
  if (e?.name === 'AbortError') return 'no answer in time (timed out)';
  if (/quota|maximum entity size/i.test(msg)) return `the queue or topic "${entity}" is full or over its quota (${detail})`;
  // system errors reach us as "GeneralError" with the Node code in front of the message
  const sys = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|CERT_HAS_EXPIRED|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ERR_TLS_CERT_ALTNAME_INVALID)\b/.exec(msg);
  if (sys) {
    const code = sys[1]!;
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'the Service Bus host cannot be reached (no route to it)';
    if (code === 'EPIPE') return plainError({ code: 'ECONNRESET' });
    return plainError({ code }).replace("the receiver's HTTPS certificate", "Service Bus's TLS certificate");
  }
  if (/timed? ?out|timeout/i.test(msg)) return 'no answer in time (timed out)';
  if (/disconnected|connection.*(closed|reset|reopening)|socket/i.test(msg)) return `the connection to Service Bus was closed (${detail})`;
  return detail || 'the send failed';
}

export const serviceBus: ProviderKind<Settings> = {
  provider: 'azure-service-bus',
  prepare(s) {
    const entity = (s.entity ?? '').trim();
    const cs = (s.connection_string ?? '').trim();
    if (!cs) throw badRequest(`connection_string is required: in the Azure portal, open the namespace (or the queue or topic) → Shared access policies → a policy with Send → "Primary Connection String", e.g. ${EXAMPLE}`);
    if (/[\r\n\0]/.test(cs)) throw badRequest('connection_string must be one line');
    checkEntity(entity);
    return { ...s, connection_string: checkConnectionString(cs, entity), entity };
  },
  connect(s, _env): ProviderClient {
    return lazyClient(async () => {
      const { ServiceBusClient } = await import('@azure/service-bus');
      // env.ca is not used: the SDK takes no CA list (Azure's certificates are publicly trusted; the emulator has no TLS)
      let client: ServiceBusClient;
      let sender: ServiceBusSender;
      try {
        client = new ServiceBusClient(s.connection_string ?? '', {
          retryOptions: { maxRetries: 0, timeoutInMs: SERVICE_BUS_TIMEOUT_MS },
          userAgentOptions: { userAgentPrefix: `FleetDesk/${VERSION}` },
        });
        sender = client.createSender(s.entity);
      } catch (err) {
        // settings stored before a stricter check: every send says why, nothing throws
        const error = `the connection string cannot be used: ${(err as Error).message}`;
        return { send: async () => ({ ok: false, status: null, ms: 0, error }), close: async () => {} };
      }
      let closed: Promise<void> | null = null;
      return {
        async send(event, signal) {
          if (closed) return { ok: false, status: null, ms: 0, error: 'the destination was closed' };
          const env = event.envelope;
          const message: ServiceBusMessage = {
            body: env,
            contentType: 'application/json',
            messageId: event.id,
            subject: env.Event,
            applicationProperties: { Event: env.Event, ObjectType: env.Object.Type, ...(env.UserId === null ? {} : { UserId: env.UserId }) },
          };
          const start = performance.now();
          try {
            await sender.sendMessages(message, { abortSignal: signal });
            return { ok: true, status: null, ms: elapsed(start), error: null };
          } catch (err) {
            return { ok: false, status: null, ms: elapsed(start), error: serviceBusError(err, s.entity, signal) };
          }
        },
        close() {
          closed ??= (async () => {
            await sender.close().catch(() => {});
            await client.close().catch(() => {});
          })();
          return closed;
        },
      };
    });
  },
};
