/**
 * SOS and crash alerts over REST (`/api/v1/alerts`), declared once: the alert as the console
 * and the API show it, the history filters and the resolution. Offices also get each new alert
 * live (`alert` messages of ../protocol/device.ts).
 */
import Type, { type Static } from 'typebox';
import { AlertKindSchema } from '../protocol/device';
import { Nullable } from './schema-helpers';

export const AlertView = Type.Object(
  {
    id: Type.Integer(),
    device_id: Type.String(),
    kind: AlertKindSchema,
    time: Type.String({ format: 'date-time', description: 'device time of the event' }),
    received_at: Type.String({ format: 'date-time' }),
    lat: Nullable(Type.Number()),
    lng: Nullable(Type.Number()),
    source: Type.String(),
    peak_g: Nullable(Type.Number({ description: 'crash reports: peak acceleration, g' })),
    acknowledged_at: Nullable(Type.String({ format: 'date-time' })),
    acknowledged_by: Nullable(Type.String({ description: 'user id of who acknowledged it' })),
    acknowledged_by_name: Nullable(
      Type.String({ description: "who acknowledged it, by display name (their user id when they have none); null when nobody did or that user was removed" }),
    ),
    resolved_at: Nullable(Type.String({ format: 'date-time', description: 'when a dispatcher closed it with a note' })),
    resolved_by: Nullable(Type.String({ description: 'user id of who resolved it' })),
    resolved_by_name: Nullable(Type.String({ description: 'who resolved it, by display name; null when nobody did or that user was removed' })),
    note: Nullable(Type.String({ description: 'what was done (given when resolving)' })),
    accident_id: Nullable(Type.String({ description: 'crash alerts: the accident (GET /api/v1/accidents/:id)' })),
    confirmed: Nullable(
      Type.Boolean({ description: 'crash alerts: true = the crash filters confirmed it, false = unconfirmed possible crash, null = not yet judged (or SOS)' }),
    ),
  },
  { $id: 'Alert' },
);
export type AlertView = Static<typeof AlertView>;

export const ALERT_STATES = ['open', 'acknowledged', 'resolved', 'all'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** GET /api/v1/alerts: history filters (by arrival time, newest first). */
export const AlertListQuery = Type.Object({
  open: Type.Optional(Type.Boolean({ description: 'only alerts not yet acknowledged (same as state=open)' })),
  state: Type.Optional(
    Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved'), Type.Literal('all')], {
      description: 'open: not acknowledged; acknowledged: acknowledged, not resolved; resolved; all (default)',
    }),
  ),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'received at or after (inclusive)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'received before (exclusive)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type AlertListQuery = Static<typeof AlertListQuery>;

/** POST /api/v1/alerts/:id/resolve */
export const AlertResolve = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 1000, description: 'what was done' }) },
  { additionalProperties: false },
);
export type AlertResolve = Static<typeof AlertResolve>;
