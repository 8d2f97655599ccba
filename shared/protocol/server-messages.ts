/**
 * Every message the Tracking API (`/v1/track`) sends, gathered from where each is declared:
 * the replies and `location_update` (./tracking.ts), `device_status` (./device.ts), `alert`
 * (the REST alert of ../api/alerts.ts, sent live) and, to drivers, `alert_status` (below).
 * Clients parse what arrives with `parseServerMessage`, so every client sees the same shapes and
 * drops the same malformed ones (and types they do not know, so older clients ignore newer ones).
 */
import Type, { type Static, type TSchema } from 'typebox';
import { IsDateTime } from 'typebox/format';
import { AlertView } from '../api/alerts';
import { Nullable } from '../api/schema-helpers';
import { AlertKindSchema } from './device';
import { ShareChangePayload } from '../api/shares';
import { DeviceStatusUpdate } from './device';
import { AckReply, AuthenticatedReply, DeviceNotice, ErrorReply, LocationUpdate, SubscribedReply } from './tracking';

/** A new or changed SOS or crash alert, as REST shows it. */
export const AlertNotice = DeviceNotice('alert', AlertView);
export type AlertNotice = Static<typeof AlertNotice>;

/**
 * To the driver whose SOS or crash alert it is: what the office did about it. Sent to the
 * driver's connections when an office acknowledges or resolves it, and after every
 * `authenticate` for the driver's alerts handled in the last day (so a phone that reconnects
 * still shows it). Names are display names, as the office's users table has them.
 */
export const AlertStatusPayload = Type.Object({
  alert_id: Type.Integer({ description: 'the alert (REST /api/v1/alerts/{id})' }),
  kind: AlertKindSchema,
  time: Type.String({ format: 'date-time', description: "the alert's time as the phone sent it (before any correction of a phone clock that was off)" }),
  state: Type.Union([Type.Literal('acknowledged'), Type.Literal('resolved')]),
  acknowledged_at: Type.String({ format: 'date-time' }),
  acknowledged_by_name: Nullable(Type.String({ description: 'who acknowledged it (null: that user was removed)' })),
  resolved_at: Nullable(Type.String({ format: 'date-time' })),
  resolved_by_name: Nullable(Type.String({ description: 'who resolved it (null: not resolved, or that user was removed)' })),
  note: Nullable(Type.String({ description: 'the resolution note' })),
});
export type AlertStatusPayload = Static<typeof AlertStatusPayload>;
export const AlertStatusNotice = DeviceNotice('alert_status', AlertStatusPayload);
export type AlertStatusNotice = Static<typeof AlertStatusNotice>;

/**
 * What a driver is told of an alert the office handled; null while nobody has acknowledged it.
 * `phoneTime`: the time the phone sent, when the server corrected it (a phone clock off).
 */
export function alertStatusNotice(alert: AlertView, phoneTime: string = alert.time): AlertStatusNotice | null {
  if (alert.acknowledged_at === null) return null;
  return {
    type: 'alert_status',
    id: alert.device_id,
    payload: {
      alert_id: alert.id,
      kind: alert.kind,
      time: phoneTime,
      state: alert.resolved_at ? 'resolved' : 'acknowledged',
      acknowledged_at: alert.acknowledged_at,
      acknowledged_by_name: alert.acknowledged_by_name,
      resolved_at: alert.resolved_at,
      resolved_by_name: alert.resolved_by_name,
      note: alert.note,
    },
  };
}

/** A share of the device was created or changed state (to offices subscribed to the device or the company). */
export const ShareNotice = DeviceNotice('share_update', ShareChangePayload);
export type ShareNotice = Static<typeof ShareNotice>;

export const ServerMessage = Type.Union([AuthenticatedReply, AckReply, SubscribedReply, ErrorReply, LocationUpdate, DeviceStatusUpdate, AlertNotice, AlertStatusNotice, ShareNotice]);
export type ServerMessage = Static<typeof ServerMessage>;

/**
 * The schemas as checking functions, built once. TypeBox compiles its fast checks with
 * `new Function`, which the pages' Content-Security-Policy forbids, and its interpreter costs
 * about 7 µs a message: 15 ms of every second's script in a console watching 2000 devices.
 * These closures cover the keywords the schemas above use (anything else is refused when
 * built) and use TypeBox's own format checks; test/unit/server-messages.test.ts holds
 * them to TypeBox's verdicts.
 */
type Check = (value: unknown) => boolean;

const ANNOTATIONS = new Set(['description', 'title', '$id', 'default', 'examples']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** TypeBox's own checks of the formats the schemas use. */
const FORMATS: Record<string, (value: string) => boolean> = { 'date-time': IsDateTime };
const TYPES: Record<string, Check> = {
  object: isObject,
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  integer: (v) => Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
};

function keywordCheck(key: string, arg: unknown): Check | null {
  switch (key) {
    case 'type': {
      const check = TYPES[arg as string];
      if (!check) throw new Error(`schema type ${JSON.stringify(arg)} is not supported here`);
      return check;
    }
    case 'const':
      return (v) => v === arg;
    case 'enum':
      return (v) => (arg as unknown[]).includes(v);
    case 'anyOf': {
      const alternatives = (arg as object[]).map(build);
      return (v) => alternatives.some((c) => c(v));
    }
    case 'allOf': {
      const parts = (arg as object[]).map(build);
      return (v) => parts.every((c) => c(v));
    }
    case 'required':
      return (v) => !isObject(v) || (arg as string[]).every((k) => Object.hasOwn(v, k));
    case 'properties': {
      const props = Object.entries(arg as Record<string, object>).map(([k, s]) => [k, build(s)] as const);
      return (v) => !isObject(v) || props.every(([k, c]) => !Object.hasOwn(v, k) || c(v[k]));
    }
    case 'items': {
      const item = build(arg as object);
      return (v) => !Array.isArray(v) || v.every(item);
    }
    case 'minimum':
      return (v) => typeof v !== 'number' || v >= (arg as number);
    case 'maximum':
      return (v) => typeof v !== 'number' || v <= (arg as number);
    case 'format': {
      const format = FORMATS[arg as string];
      if (!format) throw new Error(`schema format ${JSON.stringify(arg)} is not supported here`);
      return (v) => typeof v !== 'string' || format(v);
    }
    default:
      if (ANNOTATIONS.has(key)) return null;
      throw new Error(`schema keyword ${key} is not supported here`);
  }
}

function build(schema: object): Check {
  const checks = Object.entries(schema)
    .map(([key, arg]) => keywordCheck(key, arg))
    .filter((c): c is Check => c !== null);
  return checks.length === 1 ? checks[0]! : (v) => checks.every((c) => c(v));
}

/** Each message's check by its `type`: a message meets its own schema only (a console takes thousands a second). */
const BY_TYPE: Record<ServerMessage['type'], Check> = {
  authenticated: build(AuthenticatedReply),
  ack: build(AckReply),
  subscribed: build(SubscribedReply),
  unsubscribed: build(SubscribedReply),
  error: build(ErrorReply),
  location_update: build(LocationUpdate),
  device_status: build(DeviceStatusUpdate),
  alert: build(AlertNotice),
  alert_status: build(AlertStatusNotice),
  share_update: build(ShareNotice),
};

/** Whether `value` meets `schema`, checked as parseServerMessage does (for tests). */
export const meetsSchema = (schema: TSchema, value: unknown): boolean => build(schema)(value);

/**
 * A frame's text as a server message, or null when it is not one: not JSON, an unknown `type`
 * (a newer server's addition), or a shape its schema does not allow.
 */
export function parseServerMessage(text: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const type = isObject(value) ? value.type : undefined;
  const check = typeof type === 'string' && Object.hasOwn(BY_TYPE, type) ? BY_TYPE[type as ServerMessage['type']] : undefined;
  return check?.(value) ? (value as ServerMessage) : null;
}
