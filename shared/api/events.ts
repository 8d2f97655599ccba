/**
 * The event log notifications deliver: the seed's event and object names (shared/reference/
 * protocols.md §3), where each dataset is fetched, and the REST shapes.
 */
import Type, { type Static } from 'typebox';
import { IsoTime, Nullable } from './schema-helpers';

export const EVENT_NAMES = [
  'IncomingTrackRemoved',
  'IncomingTrackReceived',
  'TrackEnrichmentFinished',
  'AccidentEventReceived',
  'AccidentEventExtraReceived',
  'AccidentEventCompletePackageReceived',
  'AccidentEventFiltered',
  'HeartbeatReceived',
  'SosReceived',
  'ShareSessionCreated',
  'ShareSessionArrived',
  'ShareSessionCompleted',
  'ShareSessionCancelled',
  'ShareSessionExpired',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const OBJECT_TYPES = ['IncomingTrack', 'IncomingTrackSummary', 'RichTrack', 'Accident', 'AccidentExtra', 'RawHeartbeat', 'Alert', 'ShareSession'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

/** Where each dataset is fetched; notifications carry these (made absolute) as Object.Url. */
export const DATASET_PATHS = {
  IncomingTrack: (id: string) => `/api/v1/tracks/incoming/${id}`,
  IncomingTrackSummary: (id: string) => `/api/v1/tracks/incoming/${id}`,
  RichTrack: (id: string) => `/api/v1/tracks/rich/${id}`,
  Accident: (id: string) => `/api/v1/accidents/${id}`,
  AccidentExtra: (id: string) => `/api/v1/accidents/${id}/extra`,
  Alert: (id: string) => `/api/v1/alerts/${id}`,
  ShareSession: (id: string) => `/api/v1/shares/${id}`,
} as const;

export const LoggedEvent = Type.Object(
  {
    id: Type.Integer({ description: 'increasing; page with ?after=' }),
    uid: Type.String({ description: "the event's stable id: webhook-id, messageId and the other providers' idempotency key" }),
    event: Type.String(),
    device_id: Nullable(Type.String()),
    object: Type.Object({ id: Type.String(), type: Type.String(), path: Nullable(Type.String()) }),
    details: Type.Record(Type.String(), Type.Unknown()),
    timestamp: IsoTime('when it happened on the server'),
  },
  { $id: 'LoggedEvent' },
);
export type LoggedEvent = Static<typeof LoggedEvent>;

export const EventQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'events with a larger id' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type EventQuery = Static<typeof EventQuery>;
