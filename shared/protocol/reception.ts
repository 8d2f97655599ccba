/**
 * How the server receives a device's fixes, declared once: why a fix is dropped (answered as
 * delivered so the phone's queue moves on, and counted), and what the server makes of the
 * phone's clock. Used by the ingest pipeline, the Tracking API's acks, REST and the console.
 */
import Type, { type Static } from 'typebox';

/**
 * Why a fix was dropped. Each is a problem of that one fix, never of the phone's settings:
 * the phone is told "delivered" (200, or an ack) so that its queue moves on to the next fix.
 */
export const DROP_REASONS = ['zero_position', 'out_of_range', 'impossible_speed', 'bad_time', 'no_gps_fix', 'duplicate'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** What each reason means, in the words the README and the API document use. */
export const DROP_REASON_MEANING: Record<DropReason, string> = {
  zero_position: 'the fix is at 0,0 (phones report it when they have no position)',
  out_of_range: 'latitude or longitude outside the globe',
  impossible_speed: 'the reported speed is negative or above 2,000 km/h',
  bad_time: 'dated before the year 2000 (and not a GPS week-rollover date) or after 9999',
  no_gps_fix: 'the app marked the fix as not valid (no GPS lock)',
  duplicate: 'a fix with this device time is already stored (the phone sent it again)',
};

export const DropReasonSchema = Type.Enum(DROP_REASONS, { description: DROP_REASONS.map((r) => `${r}: ${DROP_REASON_MEANING[r]}`).join('; ') });

/** One dropped fix as the Tracking API's ack reports it. */
export const DroppedFix = Type.Object({
  reason: DropReasonSchema,
  message: Type.String({ description: 'the same in words' }),
});
export type DroppedFix = Static<typeof DroppedFix>;

/**
 * The phone's clock as judged from its newest fix: `ok`; `ahead` (its time was more than the
 * tolerance ahead of arrival, so the fix was stored at arrival time); `rollover` (a GPS
 * week-number rollover date, 1024 weeks or a multiple behind, corrected).
 */
export const CLOCK_STATES = ['ok', 'ahead', 'rollover'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

export const DeviceClock = Type.Object({
  state: Type.Enum(CLOCK_STATES),
  offset_ms: Type.Number({ description: "phone's time minus the stored time of its newest fix (0 when ok)" }),
  at: Type.Union([Type.String({ format: 'date-time', description: 'arrival of that fix' }), Type.Null()]),
});
export type DeviceClock = Static<typeof DeviceClock>;

export const DroppedCount = Type.Object({
  reason: DropReasonSchema,
  count: Type.Integer({ minimum: 1 }),
  last_at: Type.String({ format: 'date-time', description: 'arrival of the last one' }),
  last_message: Type.String(),
  last_source: Type.String({ description: 'protocol it came through: ws, http, osmand, owntracks, gpslogger' }),
});
export type DroppedCount = Static<typeof DroppedCount>;

export const DeviceReception = Type.Object(
  {
    id: Type.String(),
    clock: DeviceClock,
    since: Type.String({ format: 'date-time', description: 'counts start at the hour that holds this time' }),
    dropped_total: Type.Integer({ minimum: 0 }),
    dropped: Type.Array(DroppedCount, { description: 'by reason, most frequent first' }),
  },
  { $id: 'DeviceReception' },
);
export type DeviceReception = Static<typeof DeviceReception>;

export const ReceptionQuery = Type.Object({
  since: Type.Optional(Type.String({ format: 'date-time', description: 'default: 24 hours ago; at most 31 days back' })),
});
export type ReceptionQuery = Static<typeof ReceptionQuery>;
