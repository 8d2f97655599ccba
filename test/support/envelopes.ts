/**
 * Notification envelopes built by hand in the seed's shape (shared/reference/protocols.md §3), for
 * the providers' tests: one event of each kind a provider treats differently (with a device and
 * an object URL, a heartbeat without URL, one without device).
 */
import { randomUUID } from 'node:crypto';
import type { EventName, ObjectType } from '../../shared/api/events';
import type { NotificationEnvelope } from '../../shared/api/notifications';
import type { OutgoingEvent } from '../../main/server/notify/provider';

/** The envelope with its event and object type spelt as the names they are. */
type SeedEnvelope = Omit<NotificationEnvelope, 'Event' | 'Object'> & { Event: EventName; Object: { Id: string; Type: ObjectType; Url: string | null } };

/**
 * The one cast: `NotificationEnvelope` types `Event` and `Object.Type` as `never` while the schema
 * builds their unions from mapped arrays (`Type.Union(EVENT_NAMES.map(…))`); `Type.Enum` would
 * type them. Harmless once that is fixed.
 */
const envelope = (e: SeedEnvelope): NotificationEnvelope => e as unknown as NotificationEnvelope;

/** IncomingTrackReceived, with the device id as UserId and an absolute Object.Url. */
export function trackReceived(userId: string | null = 'van-7'): NotificationEnvelope {
  const id = randomUUID();
  return envelope({
    Event: 'IncomingTrackReceived',
    Sender: 'FleetDesk',
    UserId: userId,
    ClientId: 'Anna Berg',
    Object: { Id: id, Type: 'IncomingTrack', Url: `https://fleet.example.com/api/v1/tracks/incoming/${id}` },
    Timestamp: '2024-05-01T10:20:30.123Z',
    Details: { TrackStartDate: '2024-05-01T09:50:02.000Z', TrackFinishDate: '2024-05-01T10:19:58.000Z' },
  });
}

/** HeartbeatReceived: Object.Url null, the seed's 7-digit fraction in Timestamp. */
export function heartbeat(userId: string): NotificationEnvelope {
  return envelope({
    Event: 'HeartbeatReceived',
    Sender: 'FleetDesk',
    UserId: userId,
    ClientId: null,
    Object: { Id: randomUUID(), Type: 'RawHeartbeat', Url: null },
    Timestamp: '2023-09-18T22:38:02.4974696Z',
    Details: { ChargeLevel: 89.4, GPSEnabled: true, InstanceId: randomUUID(), TimeReceived: '2023-09-18T22:37:53.7273284Z' },
  });
}

/** One event on its way out, with a fresh stable id. */
export const outgoing = (e: NotificationEnvelope): OutgoingEvent => ({ id: randomUUID(), envelope: e });
