/**
 * What phones report besides positions, declared once: device status (heartbeats), SOS and
 * crash alerts, and the messages FleetDesk adds to the Tracking API for them and for replaying
 * a driver's queued fixes. Used by the server, the driver web app and the console.
 */
import Type, { type Static } from 'typebox';
import { Nullable } from '../api/schema-helpers';
import { DeviceNotice, LocationPayload, Seq, Timestamp } from './tracking';

/** A `location_batch` carries at most this many fixes (and stays under the frame limit). */
export const MAX_BATCH_POSITIONS = 200;

export const GPS_PERMISSIONS = ['granted', 'denied', 'prompt'] as const;
export const CONNECTIONS = ['wifi', 'mobile', 'offline'] as const;
export const ALERT_KINDS = ['sos', 'crash'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const AlertKindSchema = Type.Union([Type.Literal('sos'), Type.Literal('crash')]);
const GpsSchema = Type.Union([Type.Literal('granted'), Type.Literal('denied'), Type.Literal('prompt')], { description: 'location permission state' });
const ConnectionSchema = Type.Union([Type.Literal('wifi'), Type.Literal('mobile'), Type.Literal('offline')]);

/** Device status as a phone reports it; every field optional (a report carries what it knows). */
export const DeviceStatusPayload = Type.Object(
  {
    battery: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'battery level, %' })),
    charging: Type.Optional(Type.Boolean()),
    gps: Type.Optional(GpsSchema),
    online: Type.Optional(Type.Boolean({ description: 'the phone believes it is online' })),
    pending: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'fixes queued on the phone, not yet acknowledged' })),
    duty: Type.Optional(Type.Boolean({ description: 'the driver is on duty (tracking on)' })),
    connection: Type.Optional(ConnectionSchema),
    app: Type.Optional(Type.String({ maxLength: 80, description: 'reporting app and version' })),
  },
  { additionalProperties: false },
);
export type DeviceStatusPayload = Static<typeof DeviceStatusPayload>;

/** A fix inside a batch: a location with its original device time (required). */
export const BatchedLocation = Type.Intersect([LocationPayload, Type.Object({ timestamp: Timestamp })]);
export type BatchedLocation = Static<typeof BatchedLocation>;

/**
 * FleetDesk adds: fixes a phone queued while offline, replayed with their original device
 * times. Exempt from the live 1 Hz limit; acknowledged as a whole (`ack` with `seq`) once
 * every fix is committed (duplicates count as stored).
 */
export const LocationBatchMessage = Type.Object({
  action: Type.Literal('location_batch'),
  id: Type.String({ minLength: 1, maxLength: 64 }),
  seq: Seq,
  payload: Type.Object({ positions: Type.Array(BatchedLocation, { minItems: 1, maxItems: MAX_BATCH_POSITIONS }) }),
});
export type LocationBatchMessage = Static<typeof LocationBatchMessage>;

/** FleetDesk adds: device status every few minutes; acknowledged when it carries a `seq`. */
export const HeartbeatMessage = Type.Object({
  action: Type.Literal('heartbeat'),
  id: Type.String({ minLength: 1, maxLength: 64 }),
  seq: Type.Optional(Seq),
  payload: DeviceStatusPayload,
});
export type HeartbeatMessage = Static<typeof HeartbeatMessage>;

export const MotionSample = Type.Object({
  t: Type.Number({ description: 'epoch ms' }),
  /** acceleration including gravity, m/s² */
  x: Type.Number(),
  y: Type.Number(),
  z: Type.Number(),
});
export type MotionSample = Static<typeof MotionSample>;

export const AlertPayload = Type.Object({
  kind: AlertKindSchema,
  timestamp: Timestamp,
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  /** crash reports: the peak and the configured threshold, in g */
  peak_g: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
  threshold_g: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
  /** crash reports: the sensor and position buffer around the impact */
  motion: Type.Optional(Type.Array(MotionSample, { maxItems: 600 })),
  positions: Type.Optional(Type.Array(BatchedLocation, { maxItems: 120 })),
});
export type AlertPayload = Static<typeof AlertPayload>;

/** FleetDesk adds: an SOS press or a detected crash; acknowledged by `seq` once stored. */
export const AlertMessage = Type.Object({
  action: Type.Literal('alert'),
  id: Type.String({ minLength: 1, maxLength: 64 }),
  seq: Seq,
  payload: AlertPayload,
});
export type AlertMessage = Static<typeof AlertMessage>;

// ---- server → office ----

/** A device's merged status as the console shows it (REST `Device.status` and `device_status`). */
export const DeviceStatus = Type.Object(
  {
    battery: Nullable(Type.Number({ description: 'battery level, %' })),
    charging: Nullable(Type.Boolean()),
    gps: Nullable(GpsSchema),
    online: Nullable(Type.Boolean()),
    pending: Nullable(Type.Integer({ description: 'fixes queued on the phone' })),
    duty: Nullable(Type.Boolean()),
    connection: Nullable(ConnectionSchema),
    app: Nullable(Type.String()),
    source: Type.String({ description: 'protocol of the last report: ws (driver app), osmand, owntracks, gpslogger' }),
    time: Type.String({ format: 'date-time', description: 'time of the last status report' }),
  },
  { $id: 'DeviceStatus' },
);
export type DeviceStatus = Static<typeof DeviceStatus>;

/** A device's merged status, whenever a report changes it. */
export const DeviceStatusUpdate = DeviceNotice('device_status', DeviceStatus);
export type DeviceStatusUpdate = Static<typeof DeviceStatusUpdate>;
