/**
 * The seed's notification envelope (shared/reference/protocols.md §3), built from an event of
 * the log: PascalCase, `UserId` the device's id (never its key), `ClientId` the driver's display
 * name, `Object.Url` absolute on this server's public base (fetch it with an `X-Api-Key` header),
 * null for heartbeats, which have no dataset.
 */
import type { NotificationEnvelope } from '../../../shared/api/notifications';
import type { OutboxEvent } from '../store/events';

export function envelopeOf(e: OutboxEvent, sender: string, baseUrl: string): NotificationEnvelope {
  return {
    Event: e.event,
    Sender: sender,
    UserId: e.deviceId,
    ClientId: e.deviceName ?? e.deviceId,
    Object: { Id: e.objectId, Type: e.objectType, Url: e.objectPath === null ? null : baseUrl.replace(/\/+$/, '') + e.objectPath },
    Timestamp: new Date(e.createdAt).toISOString(),
    Details: e.details,
  };
}

/** The sample a "Send test" delivers: a heartbeat-shaped envelope that names itself a test. */
export function testEnvelope(sender: string, companyId: string, now: number): NotificationEnvelope {
  const at = new Date(now).toISOString();
  return {
    Event: 'HeartbeatReceived',
    Sender: sender,
    UserId: null,
    ClientId: 'FleetDesk test',
    Object: { Id: `test-${now}`, Type: 'RawHeartbeat', Url: null },
    Timestamp: at,
    Details: {
      Test: true,
      ChargeLevel: null,
      WifiEnabled: null,
      GPSEnabled: null,
      RealTimeLocationEnabled: null,
      MobileDataEnabled: null,
      NotUploadedTripsCount: null,
      InstanceId: companyId,
      TimeReceived: at,
    },
  };
}
