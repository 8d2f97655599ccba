/**
 * WebSocket Tracking API (`/v1/track`) and its HTTP fallback: every message shape, once.
 * The seed's protocol exactly (shared/reference/protocols.md §1), plus what FleetDesk adds:
 * an optional `seq` on `driver_location` answered by `ack` after the position is committed, and
 * the `location_batch`, `heartbeat` and `alert` messages of ./device.ts.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { DroppedFix } from './reception';

export const TRACK_PATH = '/v1/track';
export const DRIVER_LOCATION_PATH = '/v1/driver/location';

/** Frames larger than this are answered with BadPayload (the connection stays open). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** `Unavailable` (FleetDesk adds): the server could not store the message (its disk is full, …); nothing was stored, send it again later. */
export const ERROR_CODES = ['Unauthorized', 'InvalidAction', 'Forbidden', 'BadPayload', 'RateLimited', 'Unavailable'] as const;
export type TrackErrorCode = (typeof ERROR_CODES)[number];

/** WebSocket close codes FleetDesk uses (1000–2999 are the protocol's own). */
export const CLOSE = {
  goingAway: 1001, // server shutting down
  authTimeout: 4000, // no successful authenticate within the deadline
  tokenExpired: 4001, // the token of this connection expired
  accessRevoked: 4003, // the user was disabled or deleted, or too many failed authentications
  slowConsumer: 4008, // the client did not read its messages for too long
  connectionLimit: 4029, // the company's connection limit is reached
} as const;

export const TRACK_ROLES = ['driver', 'office', 'admin'] as const;
export type TrackRole = (typeof TRACK_ROLES)[number];

export const Timestamp = Type.Union([Type.Number(), Type.String({ minLength: 1, maxLength: 40 })], {
  description: 'Device time of the fix: epoch milliseconds, epoch seconds (values below 1e11) or an ISO-8601 string',
});

export const LocationPayload = Type.Object(
  {
    // Ranges are the pipeline's to judge: a fix outside them is dropped and acked with the
    // reason (`dropped`), so that a phone's queue moves on; a value of the wrong type is BadPayload.
    lat: Type.Number({ description: 'Latitude, degrees (-90..90; a fix outside, or at 0,0, is dropped)' }),
    lng: Type.Number({ description: 'Longitude, degrees (-180..180)' }),
    speed: Type.Number({ description: 'Speed, km/h (0..2000; a fix outside is dropped)' }),
    bearing: Type.Number({ minimum: -360, maximum: 720, description: 'Direction of travel, degrees' }),
    accuracy: Type.Optional(Type.Number({ minimum: 0, description: 'Horizontal accuracy, metres' })),
    altitude: Type.Optional(Type.Number({ minimum: -12000, maximum: 100000, description: 'Altitude, metres' })),
    timestamp: Type.Optional(Timestamp),
  },
  { description: 'A position as a driver sends it (speed in km/h)' },
);
export type LocationPayload = Static<typeof LocationPayload>;

export const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'FleetDesk adds: client sequence number, answered by an ack after commit' });

export const AuthenticateMessage = Type.Object({
  action: Type.Literal('authenticate'),
  payload: Type.Object({
    user_id: Type.String({ minLength: 1, maxLength: 64 }),
    role: Type.Union([Type.Literal('driver'), Type.Literal('office'), Type.Literal('admin')]),
    token: Type.String({ minLength: 1, maxLength: 8192 }),
  }),
});
export type AuthenticateMessage = Static<typeof AuthenticateMessage>;

export const DriverLocationMessage = Type.Object({
  action: Type.Literal('driver_location'),
  id: Type.String({ minLength: 1, maxLength: 64 }),
  seq: Type.Optional(Seq),
  payload: LocationPayload,
});
export type DriverLocationMessage = Static<typeof DriverLocationMessage>;

export const SubscribeMessage = Type.Object({
  action: Type.Union([Type.Literal('subscribe'), Type.Literal('unsubscribe')]),
  entity: Type.String({ minLength: 1, maxLength: 100, description: '`driver:<id>` or `company:drivers`' }),
});
export type SubscribeMessage = Static<typeof SubscribeMessage>;

/** The seed's actions, then what FleetDesk adds (see ./device.ts). */
export const ACTIONS = ['authenticate', 'driver_location', 'subscribe', 'unsubscribe', 'location_batch', 'heartbeat', 'alert'] as const;
export type Action = (typeof ACTIONS)[number];

/** HTTP fallback body: the `driver_location` message, `action` optional, plus `time_stamp` (epoch s). */
export const HttpDriverLocationBody = Type.Object({
  action: Type.Optional(Type.Literal('driver_location')),
  id: Type.String({ minLength: 1, maxLength: 64 }),
  payload: LocationPayload,
  time_stamp: Type.Optional(Type.Number({ minimum: 0, description: 'Device time, epoch seconds' })),
});
export type HttpDriverLocationBody = Static<typeof HttpDriverLocationBody>;

export const COMPANY_DRIVERS = 'company:drivers';
export const DRIVER_ENTITY_PREFIX = 'driver:';

// ---- server → client ----
// The replies to a client's own messages; what offices receive besides them (location_update
// here, device_status and alert from ./device.ts and ../api/alerts.ts) is gathered in ./server-messages.ts.

export const AuthenticatedReply = Type.Object({
  type: Type.Literal('authenticated'),
  user_id: Type.String(),
  role: Type.String(),
  company: Type.String(),
});
export type AuthenticatedReply = Static<typeof AuthenticatedReply>;

/** One fix of a `location_batch` that was dropped: its index in the batch and why. */
export const BatchDroppedFix = Type.Intersect([Type.Object({ index: Type.Integer({ minimum: 0 }) }), DroppedFix]);
export type BatchDroppedFix = Static<typeof BatchDroppedFix>;

/**
 * The message with this `seq` is delivered: never send it again. `dropped` says that the fix
 * (driver_location: one object; location_batch: one entry per fix, by index) can never be
 * stored and was dropped, with the reason. A fix already stored (sent again) is acked plainly.
 */
export const AckReply = Type.Object({
  type: Type.Literal('ack'),
  seq: Seq,
  dropped: Type.Optional(Type.Union([DroppedFix, Type.Array(BatchDroppedFix)])),
});
export type AckReply = Static<typeof AckReply>;

export const SubscribedReply = Type.Object({
  type: Type.Union([Type.Literal('subscribed'), Type.Literal('unsubscribed')]),
  entity: Type.String(),
});
export type SubscribedReply = Static<typeof SubscribedReply>;

export const ErrorReply = Type.Object({
  type: Type.Literal('error'),
  error: Type.Enum(ERROR_CODES),
  message: Type.String(),
  seq: Type.Optional(Seq),
});
export type ErrorReply = Static<typeof ErrorReply>;

/** What a connection answers its client's own messages with. */
export const TrackReply = Type.Union([AuthenticatedReply, AckReply, SubscribedReply, ErrorReply]);
export type TrackReply = Static<typeof TrackReply>;

export const LocationUpdatePayload = Type.Object({
  lat: Type.Number(),
  lng: Type.Number(),
  speed: Type.Number({ description: 'km/h, as on the rest of this API' }),
  bearing: Type.Number(),
  accuracy: Type.Optional(Type.Number()),
  altitude: Type.Optional(Type.Number()),
  timestamp: Type.String({ format: 'date-time', description: 'device time of the fix' }),
  reported_time: Type.Optional(
    Type.String({ format: 'date-time', description: "FleetDesk adds, only when the server corrected `timestamp` because the phone's clock was wrong: the phone's own time" }),
  ),
});
export type LocationUpdatePayload = Static<typeof LocationUpdatePayload>;

/** What a subscribed office hears about one device: the news of kind `type`, and the device. */
export const DeviceNotice = <Kind extends string, Payload extends TSchema>(type: Kind, payload: Payload) =>
  Type.Object({ type: Type.Literal(type), id: Type.String({ description: "the device: its driver's user id" }), payload });

/** A driver's new position. */
export const LocationUpdate = DeviceNotice('location_update', LocationUpdatePayload);
export type LocationUpdate = Static<typeof LocationUpdate>;

/**
 * @deprecated Every server message is `ServerMessage` of ./server-messages.ts; this name stays
 * only until main/server/ws/connection.ts (which sends replies alone) imports from there.
 */
export type ServerMessage = TrackReply;
