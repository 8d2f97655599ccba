/**
 * REST API shapes (`/api/v1`), declared once: Fastify validates requests with them and the
 * OpenAPI document at `/api/v1/openapi.json` is generated from them. All values SI.
 */
import Type, { type Static } from 'typebox';
import { Id, RoleSchema } from '../ids';
import { DeviceStatus } from '../protocol/device';
import { IsoTime, Nullable } from './schema-helpers';
import { FieldProblem } from './errors';

export const API_PREFIX = '/api/v1';

export const ERROR_NAMES = [
  'BadRequest',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'Conflict',
  'PayloadTooLarge',
  'RateLimited',
  'BadPayload',
  'InternalError',
] as const;
export type ApiErrorName = (typeof ERROR_NAMES)[number];

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'Machine-readable error name' }),
    message: Type.String({ description: 'what was wrong, for a log or a developer (not worded for end users)' }),
    details: Type.Optional(Type.Array(FieldProblem, { description: 'the refused field and its limits, when a request failed validation' })),
  },
  { $id: 'Error', description: 'Every error response' },
);
export type ErrorBody = Static<typeof ErrorBody>;

// Nullable request fields are `type: [t, 'null']`, not anyOf: with Fastify's type coercion an
// anyOf coerces for its first branch (null, meaning "clear this field", became "") or its
// last (a max_connections of 0 became null) instead of rejecting the value.
const ProfileText = (description: string) => Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 200, description });

export const Position = Type.Object(
  {
    lat: Type.Number({ description: 'degrees' }),
    lng: Type.Number({ description: 'degrees' }),
    speed: Type.Number({ description: 'm/s' }),
    bearing: Type.Number({ description: 'degrees, 0–360' }),
    accuracy: Nullable(Type.Number({ description: 'metres' })),
    altitude: Nullable(Type.Number({ description: 'metres' })),
    device_time: IsoTime('time of the fix on the device (as corrected by the server when the phone clock was wrong)'),
    server_time: IsoTime('time the server received it'),
    reported_time: Type.Optional(
      IsoTime(
        "only when the server corrected device_time: the phone's own time, which could not be true (more than the clock tolerance ahead of arrival: stored at arrival; or a GPS week-rollover date: moved forward by 1024 weeks)",
      ),
    ),
  },
  { $id: 'Position' },
);
export type Position = Static<typeof Position>;

/** Path parameters of `/…/:id` routes (a user or company id). */
export const IdParams = Type.Object({ id: Id('user or company id') });
export type IdParams = Static<typeof IdParams>;

export const DISPLAY_FIELDS = ['display_name', 'full_name', 'first_name', 'last_name', 'phone', 'vehicle_plate', 'user_id'] as const;
export type DisplayField = (typeof DISPLAY_FIELDS)[number];
export const DisplayFieldSchema = Type.Union(
  [
    Type.Literal('display_name'),
    Type.Literal('full_name'),
    Type.Literal('first_name'),
    Type.Literal('last_name'),
    Type.Literal('phone'),
    Type.Literal('vehicle_plate'),
    Type.Literal('user_id'),
  ],
  { description: 'Which field names a device everywhere (falls back to display name, then user id, when empty)' },
);

export const ProfileFields = {
  display_name: ProfileText('display name'),
  first_name: ProfileText('first name'),
  last_name: ProfileText('last name'),
  phone: ProfileText('phone number'),
  vehicle_plate: ProfileText('vehicle plate'),
};

export const Device = Type.Object(
  {
    id: Type.String({ description: 'the driver user id' }),
    name: Type.String({ description: "resolved by the company's display-field preference" }),
    ...ProfileFields,
    disabled: Type.Boolean(),
    last_position: Nullable(Position),
    status: Nullable(DeviceStatus),
  },
  { $id: 'Device' },
);
export type Device = Static<typeof Device>;

/**
 * A display name as a request sets it: some text, never empty or only spaces, and never null —
 * clearing it is refused, since the device would silently fall back to its user id.
 */
export const DisplayNameInput = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'display name (cannot be empty)' });

/** The profile fields as optional members, for partial updates (null clears a field, except the display name). */
export const OptionalProfileFields = {
  display_name: Type.Optional(DisplayNameInput),
  first_name: Type.Optional(ProfileFields.first_name),
  last_name: Type.Optional(ProfileFields.last_name),
  phone: Type.Optional(ProfileFields.phone),
  vehicle_plate: Type.Optional(ProfileFields.vehicle_plate),
};

export const DeviceUpdate = Type.Object(OptionalProfileFields, { additionalProperties: false, minProperties: 1 });
export type DeviceUpdate = Static<typeof DeviceUpdate>;

export const LatestPosition = Type.Object({ id: Type.String(), name: Type.String(), position: Position }, { $id: 'LatestPosition' });
export type LatestPosition = Static<typeof LatestPosition>;

export const PositionQuery = Type.Object({
  from: Type.Optional(IsoTime('start of the range (inclusive); default 24 h before `to`')),
  to: Type.Optional(IsoTime('end of the range (exclusive); default now')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
  cursor: Type.Optional(Type.String({ maxLength: 100, description: 'next_cursor of the previous page' })),
});
export type PositionQuery = Static<typeof PositionQuery>;

export const PositionPage = Type.Object({ items: Type.Array(Position), next_cursor: Nullable(Type.String()) });
export type PositionPage = Static<typeof PositionPage>;

export const TILE_URL_MAX = 500;
export { DEFAULT_TILE_URL } from '../tiles';

/** What is wrong with a tile URL template, or null when it is usable (server and settings form share it). */
export function tileUrlProblem(template: string): string | null {
  if (template.length > TILE_URL_MAX) return `a tile URL has at most ${TILE_URL_MAX} characters`;
  if (/\s/.test(template)) return 'a tile URL cannot contain spaces';
  if (!/^https?:\/\/[^/?#]/i.test(template)) return 'a tile URL must start with http:// or https:// and a host name';
  const missing = ['{z}', '{x}', '{y}'].filter((p) => !template.includes(p));
  if (missing.length > 0) return `a tile URL needs the placeholders {z}, {x} and {y} (missing: ${missing.join(', ')})`;
  try {
    // Placeholders such as {s} stand in for parts of the host name: replace them to parse the rest.
    if (!new URL(template.replace(/\{[a-z0-9_-]+\}/gi, 'a')).hostname) throw new Error('no host');
  } catch {
    return 'a tile URL must be a valid absolute URL';
  }
  return null;
}

export const Company = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    display_field: DisplayFieldSchema,
    max_connections: Nullable(Type.Integer({ description: 'WebSocket connection limit; null means the server default' })),
    tile_url: Nullable(Type.String({ description: 'map tile URL template ({z}/{x}/{y}); null means OpenStreetMap' })),
    crash_threshold_g: Type.Number({ description: 'the driver app reports a crash above this acceleration, g' }),
    owntracks_friends: Type.Boolean({ description: "OwnTracks phones get the other drivers' positions in reply" }),
    created_at: IsoTime('creation time'),
  },
  { $id: 'Company' },
);
export type Company = Static<typeof Company>;

export const CRASH_G_MIN = 1.5;
export const CRASH_G_MAX = 20;
export const DEFAULT_CRASH_G = 4;

export const CompanyUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    display_field: Type.Optional(DisplayFieldSchema),
    max_connections: Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1, maximum: 1_000_000 })),
    tile_url: Type.Optional(
      Type.Unsafe<string | null>({
        type: ['string', 'null'],
        maxLength: TILE_URL_MAX,
        description: 'an http(s) tile URL template with {z}, {x} and {y} (Leaflet placeholders such as {s} and {r} allowed); null or "" restores OpenStreetMap',
      }),
    ),
    crash_threshold_g: Type.Optional(Type.Number({ minimum: CRASH_G_MIN, maximum: CRASH_G_MAX })),
    owntracks_friends: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CompanyUpdate = Static<typeof CompanyUpdate>;

export const User = Type.Object(
  {
    id: Type.String(),
    role: RoleSchema,
    ...ProfileFields,
    disabled: Type.Boolean(),
    has_password: Type.Boolean(),
    created_at: IsoTime('creation time'),
  },
  { $id: 'User' },
);
export type User = Static<typeof User>;

export const UserQuery = Type.Object({ role: Type.Optional(RoleSchema) });
export type UserQuery = Static<typeof UserQuery>;

export const PASSWORD_MIN = 8;
const Password = Type.String({ minLength: PASSWORD_MIN, maxLength: 200 });

export const UserCreate = Type.Object(
  {
    id: Id('user id, unique in the company'),
    role: RoleSchema,
    password: Type.Optional(Password),
    ...OptionalProfileFields,
  },
  { additionalProperties: false },
);
export type UserCreate = Static<typeof UserCreate> & Partial<Record<keyof typeof ProfileFields, string | null>>;

export const UserUpdate = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    password: Type.Optional(Password),
    disabled: Type.Optional(Type.Boolean()),
    ...OptionalProfileFields,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UserUpdate = Static<typeof UserUpdate> & Partial<Record<keyof typeof ProfileFields, string | null>>;

export const LoginBody = Type.Object(
  {
    company: Type.String({ minLength: 1, maxLength: 64 }),
    user_id: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const LoginReply = Type.Object({
  token: Type.String(),
  expires_at: IsoTime('when the token expires'),
  user: Type.Object({ id: Type.String(), role: RoleSchema, company: Type.String() }),
});
export type LoginReply = Static<typeof LoginReply>;

export const LoginLinkBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 200, description: 'the `login` parameter of the sign-in link' }) },
  { additionalProperties: false },
);
export type LoginLinkBody = Static<typeof LoginLinkBody>;

export const ServerInfo = Type.Object(
  {
    version: Type.String(),
    port: Type.Integer({ description: 'the port the server listens on' }),
    lan_urls: Type.Array(Type.String(), { description: 'addresses phones on the local network can reach this server at (empty when it listens on loopback only)' }),
    https_port: Nullable(Type.Integer({ description: 'HTTPS + WSS port, when enabled' })),
    osmand_port: Nullable(Type.Integer({ description: 'OsmAnd protocol port (Traccar Client), when enabled' })),
    lan_hosts: Type.Array(Type.String(), { description: 'the LAN addresses alone, to build any port\'s URL' }),
    tls_fingerprint: Nullable(Type.String({ description: 'SHA-256 fingerprint of the HTTPS certificate' })),
    tls_self_signed: Type.Boolean(),
  },
  { $id: 'ServerInfo' },
);
export type ServerInfo = Static<typeof ServerInfo>;

export const Health = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  uptime_s: Type.Number(),
  schema_version: Type.Integer(),
});
export type Health = Static<typeof Health>;

// ---- phones: device keys, enrolment, the driver app's session, unknown devices, alerts ----

export const DeviceKey = Type.Object(
  {
    device_id: Type.String(),
    device_key: Type.String({ description: 'what the phone identifies with in every protocol' }),
    strong: Type.Boolean({ description: 'false for a short key adopted from an app\'s own identifier: anyone who guesses it can report' }),
  },
  { $id: 'DeviceKey' },
);
export type DeviceKey = Static<typeof DeviceKey>;

export const EnrolmentCreate = Type.Object(
  { ttl_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 7 * 24 * 3600, default: 24 * 3600 })) },
  { additionalProperties: false },
);
export type EnrolmentCreate = Static<typeof EnrolmentCreate>;

/** The driver app's page; the enrolment code rides in the fragment so it never reaches a log. */
export const DRIVER_APP_PATH = '/driver';
export const ENROL_PARAM = 'enrol';

export const Enrolment = Type.Object({
  code: Type.String(),
  expires_at: IsoTime('when the link stops working'),
  path: Type.String({ description: 'append to the server\'s https address: /driver#enrol=CODE' }),
});
export type Enrolment = Static<typeof Enrolment>;

export const EnrolBody = Type.Object({ code: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export type EnrolBody = Static<typeof EnrolBody>;

export const DriverSessionBody = Type.Object({ device_key: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
export type DriverSessionBody = Static<typeof DriverSessionBody>;

export const DriverSettings = Type.Object({
  crash_threshold_g: Type.Number(),
  heartbeat_interval_s: Type.Integer(),
  min_interval_ms: Type.Integer({ description: 'send live fixes at most this often' }),
  max_batch: Type.Integer({ description: 'fixes per location_batch message' }),
});
export type DriverSettings = Static<typeof DriverSettings>;

export const DriverSession = Type.Object(
  {
    token: Type.String({ description: 'JWT for /v1/track; get a new one with the device key when it expires' }),
    expires_at: IsoTime('when the token expires'),
    device_key: Type.String(),
    user_id: Type.String(),
    company_id: Type.String(),
    company_name: Type.String(),
    name: Type.String({ description: 'the driver as the console names it' }),
    settings: DriverSettings,
  },
  { $id: 'DriverSession' },
);
export type DriverSession = Static<typeof DriverSession>;

export const UnknownDevice = Type.Object(
  {
    identifier: Type.String(),
    kind: Type.Union([Type.Literal('retired'), Type.Literal('expected')], {
      description: "retired: a key this company replaced, still sent by a phone (update the phone's app); expected: an identifier this company declared, ready to adopt",
    }),
    user_id: Nullable(Type.String({ description: 'retired: the driver whose key it was' })),
    protocol: Type.String(),
    first_seen: IsoTime('first attempt'),
    last_seen: IsoTime('latest attempt'),
    attempts: Type.Integer(),
    remote_address: Nullable(Type.String()),
    lat: Nullable(Type.Number()),
    lng: Nullable(Type.Number()),
  },
  { $id: 'UnknownDevice' },
);
export type UnknownDevice = Static<typeof UnknownDevice>;

export const IdentifierParams = Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 128 }) });
export type IdentifierParams = Static<typeof IdentifierParams>;

export const ExpectBody = Type.Object(
  {
    identifier: Type.String({ minLength: 1, maxLength: 128, description: "the phone app's own identifier: at least 22 letters, digits or . _ ~ - (shorter ones can be guessed)" }),
    note: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 200, description: 'whose phone it is, for your records' })),
  },
  { additionalProperties: false },
);
export type ExpectBody = Static<typeof ExpectBody>;

export const AdoptBody = Type.Object(
  {
    user_id: Id('an existing driver to give this identifier to, or the id of a new driver'),
    display_name: Type.Optional(DisplayNameInput),
  },
  { additionalProperties: false },
);
export type AdoptBody = Static<typeof AdoptBody>;

export const AlertIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type AlertIdParams = Static<typeof AlertIdParams>;
