import type { TripSettings } from '../../../shared/api/trips';
import { pathDistance, percentile, removeJitter, removeOutliers, vertexSpeeds, type RawFix } from './process';
import { msToKmh } from '../../../shared/units';

export type TrackJudgement = { status: 'received'; reason: null } | { status: 'removed'; reason: string };

/** The reasons a raw track is removed, in the order they are checked (the seed's wording for the first). */
export const REMOVAL_REASONS = {
  distance: 'Insufficient track length',
  duration: 'Too short',
  fixes: 'Too few fixes',
  walking: 'Walking speed only',
} as const;

/**
 * Judges a raw track (the positions as received, flagged ones included) against the company's
 * settings: shorter than min_distance_m (after outlier and jitter filtering), shorter than
 * min_duration_s, fewer than min_fixes usable fixes, or a 95th-percentile speed under
 * walking_max_kmh → removed with the reason; otherwise received.
 */
export function judgeTrack(raw: RawFix[], s: TripSettings): TrackJudgement {
  const clean = removeOutliers(raw);
  const kept = removeJitter(clean);
  if (kept.length < 2 || pathDistance(kept) < s.min_distance_m) return { status: 'removed', reason: REMOVAL_REASONS.distance };
  const durationS = ((kept.at(-1) as RawFix).t - (kept[0] as RawFix).t) / 1000;
  if (durationS < s.min_duration_s) return { status: 'removed', reason: REMOVAL_REASONS.duration };
  if (clean.length < s.min_fixes) return { status: 'removed', reason: REMOVAL_REASONS.fixes };
  const p95 = percentile(vertexSpeeds(kept).map((v) => v.speed), 0.95);
  if (msToKmh(p95) < s.walking_max_kmh) return { status: 'removed', reason: REMOVAL_REASONS.walking };
  return { status: 'received', reason: null };
}
