/**
 * Pure conversions between what the browser reports and what /v1/track takes, and the plan of
 * which queued fixes go out how. No DOM, no IndexedDB: unit-tested in test/unit/driver-queue.test.ts.
 *
 * Queue policy: a fix is queued only when it is at least `min_interval_ms` (device time) after
 * the previous queued fix; faster fixes are dropped at once (phones report about 1/s anyway).
 * So every queued fix may go out live, and every queued fix is delivered eventually: live as
 * `driver_location` when nothing older is waiting, otherwise in `location_batch` messages.
 */
import type { BatchedLocation } from '../../../shared/protocol/device';
import type { Backoff } from '../../../shared/tracking-client';
import { msToKmh, round } from '../../../shared/units';

/** The parts of a GeolocationPosition the app uses (speed m/s, heading degrees, both nullable). */
export interface FixInput {
  coords: {
    latitude: number;
    longitude: number;
    accuracy: number;
    altitude?: number | null;
    speed?: number | null;
    heading?: number | null;
  };
  timestamp: number;
}

/** A fix as queued and sent: the wire payload (speed km/h, ISO device time) and its seq. */
export interface QueuedFix {
  seq: number;
  payload: BatchedLocation & { timestamp: string };
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** speed m/s → km/h (unknown → 0); heading unknown/NaN → 0; altitude only when known. */
export function toPayload(fix: FixInput): QueuedFix['payload'] {
  const { coords } = fix;
  const payload: QueuedFix['payload'] = {
    lat: coords.latitude,
    lng: coords.longitude,
    speed: finite(coords.speed) && coords.speed > 0 ? round(msToKmh(coords.speed), 1) : 0,
    bearing: finite(coords.heading) ? coords.heading : 0,
    accuracy: finite(coords.accuracy) && coords.accuracy >= 0 ? coords.accuracy : 0,
    timestamp: new Date(fix.timestamp).toISOString(),
  };
  if (finite(coords.altitude) && coords.altitude >= -12000 && coords.altitude <= 100000) payload.altitude = coords.altitude;
  return payload;
}

/**
 * Keeps one fix per `minIntervalMs` of device time: the first one of each interval. `last` is
 * the previous run's newest fix: a browser repeats its cached position after a reload.
 */
export class FixThrottle {
  constructor(
    private readonly minIntervalMs: number,
    private last: number | null = null,
  ) {}

  get lastAccepted(): number | null {
    return this.last;
  }

  accept(timestamp: number): boolean {
    if (this.last !== null && timestamp - this.last < this.minIntervalMs && timestamp >= this.last) return false;
    this.last = timestamp;
    return true;
  }
}

export type SendPlan = { kind: 'live'; fix: QueuedFix } | { kind: 'batch'; fixes: QueuedFix[] };

/**
 * What to send now: `pending` is the queue oldest-first, `inFlight` the fix seqs already sent
 * on this connection and not yet acknowledged. The newest fix goes out live when it is the only
 * one waiting and `liveAllowed` (the last live send is at least the minimum interval ago);
 * everything else goes in batches of at most `maxBatch`, no more than `maxBatches` at a time.
 */
export function planSends(
  pending: readonly QueuedFix[],
  inFlight: ReadonlySet<number>,
  opts: { maxBatch: number; maxBatches: number; batchesInFlight: number; liveAllowed: boolean },
): SendPlan[] {
  const waiting = pending.filter((f) => !inFlight.has(f.seq)).sort((a, b) => a.seq - b.seq);
  if (waiting.length === 0) return [];
  if (waiting.length === 1 && opts.liveAllowed && opts.batchesInFlight === 0) return [{ kind: 'live', fix: waiting[0] as QueuedFix }];
  const plans: SendPlan[] = [];
  const size = Math.max(1, opts.maxBatch);
  for (let i = 0; i < waiting.length && opts.batchesInFlight + plans.length < opts.maxBatches; i += size) {
    plans.push({ kind: 'batch', fixes: waiting.slice(i, i + size) });
  }
  return plans;
}

/** Reconnecting: 1 s doubling to 30 s, with ±20 % jitter. */
export const BACKOFF: Backoff = { minMs: 1000, maxMs: 30_000, jitter: 0.2 };
