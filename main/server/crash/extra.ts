import type { AccidentExtra } from '../../../shared/api/accidents';
import type { LocationPayload } from '../../../shared/protocol/tracking';
import { DomainError } from '../errors';
import { fromTrackingPayload } from '../ingest/tracking-adapter';
import type { PositionRow } from '../store/positions';
import { isHidden } from '../store/position-flags';
import type { ExtraData } from '../store/accidents';
import type { FilterFix } from './filters';

/**
 * The crash buffer (AccidentExtra) from its two origins, pure: the driver app sends it inside its
 * crash alert (details.motion, details.positions in the app's units, speed km/h); for sources
 * without one the server cuts it from the positions it stored around the event.
 */

/** The buffer a driver-app crash alert carried, or null when it carried none. */
export function extraFromAlertDetails(details: Record<string, unknown> | null, serverTime: number): ExtraData | null {
  if (!details) return null;
  const motion = Array.isArray(details.motion) ? (details.motion as AccidentExtra['motion']) : null;
  const raw = Array.isArray(details.positions) ? (details.positions as LocationPayload[]) : null;
  if (!motion && !raw) return null;
  const positions: AccidentExtra['positions'] = [];
  for (const p of raw ?? []) {
    let r;
    try {
      r = fromTrackingPayload(p, serverTime);
    } catch (err) {
      if (err instanceof DomainError) continue; // an unreadable time: not placeable on the time line
      throw err;
    }
    positions.push({ time: new Date(r.deviceTime).toISOString(), lat: r.lat, lng: r.lng, speed: r.speed, bearing: r.bearing });
  }
  positions.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return { motion: (motion ?? []).map((m) => ({ t: m.t, x: m.x, y: m.y, z: m.z })), positions };
}

/** The buffer assembled from stored positions (flagged GPS jumps left out); no sensor data. */
export function extraFromPositions(rows: PositionRow[]): ExtraData {
  return {
    motion: [],
    positions: rows
      .filter((r) => !isHidden(r.flags))
      .map((r) => ({ time: new Date(r.device_time).toISOString(), lat: r.lat, lng: r.lng, speed: r.speed, bearing: r.bearing })),
  };
}

export function filterFixes(extra: ExtraData): FilterFix[] {
  return extra.positions.map((p) => ({ time: Date.parse(p.time), lat: p.lat, lng: p.lng, speed: p.speed }));
}

/** The AccidentEventReceived source name of an alert's source protocol. */
export function accidentSource(alertSource: string): string {
  if (alertSource === 'ws') return 'driver-app';
  if (alertSource === 'server') return 'server';
  return 'device';
}
