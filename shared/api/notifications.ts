/**
 * Backend notifications (issue 14): the seed's envelope (shared/reference/protocols.md §3),
 * destinations per company and their providers, the delivery log. Declared once; the server
 * validates with these and the console reads them.
 */
import Type, { type Static } from 'typebox';
import { EVENT_NAMES, OBJECT_TYPES } from './events';
import { IsoTime, Nullable } from './schema-helpers';

/** What a company's backend receives, field for field as the seed shows it (PascalCase). */
export const NotificationEnvelope = Type.Object(
  {
    Event: Type.Enum(EVENT_NAMES),
    Sender: Type.String(),
    /** the device's id (never its secret key) */
    UserId: Nullable(Type.String()),
    /** the driver's display name, or null */
    ClientId: Nullable(Type.String()),
    Object: Type.Object({
      Id: Type.String(),
      Type: Type.Enum(OBJECT_TYPES),
      /** absolute URL of this server returning the dataset with an API key header; null for heartbeats */
      Url: Nullable(Type.String()),
    }),
    /** ISO 8601 UTC */
    Timestamp: Type.String(),
    Details: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'NotificationEnvelope' },
);
export type NotificationEnvelope = Static<typeof NotificationEnvelope>;

export const PROVIDERS = ['webhook', 'aws-sns', 'azure-event-grid', 'azure-service-bus'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const PROVIDER_LABELS: Record<Provider, string> = {
  webhook: 'Webhook (HTTPS POST)',
  'aws-sns': 'Amazon SNS',
  'azure-event-grid': 'Azure Event Grid',
  'azure-service-bus': 'Azure Service Bus',
};

/**
 * Each provider's settings. Fields named in SECRET_FIELDS are write-only: never returned, never
 * logged, stored encrypted; an update that leaves one out keeps the stored value.
 */
export const WebhookSettings = Type.Object(
  {
    url: Type.String({ maxLength: 2000, description: 'http(s) URL the envelope is POSTed to' }),
    /** extra request headers, e.g. an authorization header your gateway wants */
    headers: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 2000 }))),
    /** Standard Webhooks signing secret, "whsec_" + base64 of 24–64 bytes; made for you when left out at creation */
    secret: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const SnsSettings = Type.Object(
  {
    region: Type.String({ maxLength: 40, description: 'e.g. eu-central-1' }),
    topic_arn: Type.String({ maxLength: 300, description: 'arn:aws:sns:<region>:<account>:<topic>' }),
    access_key_id: Type.String({ maxLength: 128 }),
    secret_access_key: Type.Optional(Type.String({ maxLength: 256 })),
    /** an SNS-compatible service (LocalStack, …); default AWS */
    endpoint: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export const EventGridSettings = Type.Object(
  {
    endpoint: Type.String({ maxLength: 500, description: 'the topic endpoint, https://<topic>.<region>-1.eventgrid.azure.net/api/events' }),
    key: Type.Optional(Type.String({ maxLength: 200 })),
    schema: Type.Union([Type.Literal('EventGrid'), Type.Literal('CloudEvents')], { description: 'the topic input schema' }),
  },
  { additionalProperties: false },
);
export const ServiceBusSettings = Type.Object(
  {
    /** Endpoint=sb://<ns>.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=… */
    connection_string: Type.Optional(Type.String({ maxLength: 1000 })),
    /** the queue or topic name */
    entity: Type.String({ minLength: 1, maxLength: 260 }),
  },
  { additionalProperties: false },
);

export const SECRET_FIELDS: Record<Provider, string[]> = {
  webhook: ['secret'],
  'aws-sns': ['secret_access_key'],
  'azure-event-grid': ['key'],
  'azure-service-bus': ['connection_string'],
};

export const SETTINGS_SCHEMAS = {
  webhook: WebhookSettings,
  'aws-sns': SnsSettings,
  'azure-event-grid': EventGridSettings,
  'azure-service-bus': ServiceBusSettings,
} as const;
export type ProviderSettings = {
  webhook: Static<typeof WebhookSettings>;
  'aws-sns': Static<typeof SnsSettings>;
  'azure-event-grid': Static<typeof EventGridSettings>;
  'azure-service-bus': Static<typeof ServiceBusSettings>;
};

const EventList = Type.Array(Type.Enum(EVENT_NAMES), {
  uniqueItems: true,
  description: 'the event types this destination receives',
});

export const DestinationCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    provider: Type.Enum(PROVIDERS),
    /** the provider's settings (WebhookSettings, SnsSettings, EventGridSettings, ServiceBusSettings) */
    settings: Type.Record(Type.String(), Type.Unknown()),
    /** default: every event type */
    events: Type.Optional(EventList),
    /** device ids; null or left out: every device of the company */
    devices: Type.Optional(Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000, uniqueItems: true }))),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type DestinationCreate = Static<typeof DestinationCreate>;

export const DestinationUpdate = Type.Partial(Type.Omit(DestinationCreate, ['provider']), { additionalProperties: false });
export type DestinationUpdate = Static<typeof DestinationUpdate>;

export const DestinationHealth = Type.Object({
  /** set while the destination's latest attempts fail */
  failing_since: Nullable(IsoTime('first failure of the current run of failures')),
  last_success_at: Nullable(IsoTime('last delivery the receiver accepted')),
  last_error: Nullable(Type.String()),
  /** events waiting for this destination (after its cursor) */
  pending: Type.Integer(),
  dead: Type.Integer(),
});

export const Destination = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    provider: Type.Enum(PROVIDERS),
    /** settings without their secrets */
    settings: Type.Record(Type.String(), Type.Unknown()),
    /** the secret fields that hold a value ("set") */
    secrets_set: Type.Array(Type.String()),
    /** set when the stored secrets cannot be opened here (sealed by another machine's keychain, a lost key file): enter them again */
    secrets_problem: Nullable(Type.String()),
    events: EventList,
    devices: Nullable(Type.Array(Type.String())),
    enabled: Type.Boolean(),
    created_at: IsoTime('created'),
    updated_at: IsoTime('last changed'),
    health: DestinationHealth,
    /** only in the answer to POST for a webhook whose secret FleetDesk made: shown once, never again */
    created_secret: Type.Optional(Type.String()),
  },
  { $id: 'Destination' },
);
export type Destination = Static<typeof Destination>;

/** What the receiver answered to a test send (or to one delivery attempt). */
export const SendResult = Type.Object(
  {
    ok: Type.Boolean(),
    /** the HTTP status (webhook, SNS, Event Grid) or null (Service Bus, or no answer) */
    status: Nullable(Type.Integer()),
    ms: Type.Number({ description: 'time until the answer' }),
    /** what went wrong, in plain words */
    error: Nullable(Type.String()),
  },
  { $id: 'SendResult' },
);
export type SendResult = Static<typeof SendResult>;

export const DELIVERY_STATES = ['pending', 'retrying', 'delivered', 'dead'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const Delivery = Type.Object(
  {
    id: Type.Integer(),
    event_id: Type.String({ description: 'the stable event id (idempotency key)' }),
    event: Type.String(),
    device_id: Nullable(Type.String()),
    destination_id: Type.String(),
    destination_name: Type.String(),
    state: Type.Enum(DELIVERY_STATES),
    attempts: Type.Integer(),
    last_status: Nullable(Type.Integer()),
    last_error: Nullable(Type.String()),
    last_attempt_at: Nullable(IsoTime('last attempt')),
    next_attempt_at: Nullable(IsoTime('next retry')),
    delivered_at: Nullable(IsoTime('accepted by the receiver')),
    created_at: IsoTime('when the event happened'),
  },
  { $id: 'Delivery' },
);
export type Delivery = Static<typeof Delivery>;

export const DeliveryQuery = Type.Object({
  destination: Type.Optional(Type.String({ maxLength: 100 })),
  state: Type.Optional(Type.Enum(DELIVERY_STATES)),
  event: Type.Optional(Type.Enum(EVENT_NAMES)),
  /** deliveries with a smaller id (paging backwards from the newest) */
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export type DeliveryQuery = Static<typeof DeliveryQuery>;

export const DeliveryPage = Type.Object({
  deliveries: Type.Array(Delivery),
  /** pass as `before` for the next (older) page; null at the end */
  next_before: Nullable(Type.Integer()),
});
export type DeliveryPage = Static<typeof DeliveryPage>;

export const RedeliverBody = Type.Object(
  {
    /** one delivery's id, or left out with `all: true` */
    id: Type.Optional(Type.Integer({ minimum: 1 })),
    all: Type.Optional(Type.Boolean()),
    destination: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type RedeliverBody = Static<typeof RedeliverBody>;

/** Server-wide notification behaviour (headless `serve` flags, desktop defaults). */
export interface NotifyOptions {
  /** "Sender" in every envelope */
  sender: string;
  /** first retry after about this; doubles with jitter */
  retryBaseMs: number;
  /** the longest wait between two attempts */
  retryCapMs: number;
  /** dead-letter after this many failed attempts … */
  maxAttempts: number;
  /** … or once the event is older than this at a failed attempt */
  maxAgeMs: number;
  /** one attempt may take this long before it counts as failed */
  timeoutMs: number;
  /** a device's HeartbeatReceived at most this often unless a reported field changes */
  heartbeatIntervalMs: number;
  /** delivered log rows, and heartbeat events every destination has passed, are kept this long */
  logRetentionMs: number;
}

export const DEFAULT_NOTIFY: NotifyOptions = {
  sender: 'FleetDesk',
  retryBaseMs: 1_000,
  retryCapMs: 10 * 60_000,
  maxAttempts: 20,
  maxAgeMs: 24 * 3600_000,
  timeoutMs: 10_000,
  heartbeatIntervalMs: 5 * 60_000,
  logRetentionMs: 7 * 24 * 3600_000,
};

/** A destination counts as "failing" in the console header after this long. */
export const FAILING_WARN_MS = 3 * 60_000;

export const DestinationIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const DestinationList = Type.Object({ destinations: Type.Array(Destination) });
export type DestinationList = Static<typeof DestinationList>;

export const RedeliverAnswer = Type.Object({ redelivered: Type.Integer() });

/** For the console header: destinations failing for longer than FAILING_WARN_MS. */
export const NotifyStatus = Type.Object({
  failing: Type.Array(
    Type.Object({ id: Type.String(), name: Type.String(), failing_since: IsoTime('first failure'), last_error: Nullable(Type.String()) }),
  ),
});
export type NotifyStatus = Static<typeof NotifyStatus>;
