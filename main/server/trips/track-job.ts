/**
 * The heavy part of a trip's end, as one pure job: read the trip's fixes, judge them, and for a
 * kept trip process them (with the fixes of the earlier trips it is merged with). It runs on
 * the track thread (track-worker.ts) with that thread's own connection, or in the event loop
 * when no thread runs; TripService records the outcome either way.
 */
import type { TripSettings } from '../../../shared/api/trips';
import { processTrack, type ProcessedTrack, type RawFix } from './process';
import { judgeTrack, type TrackJudgement } from './validate';

/** A device's stored fixes in [from, to] (device time), flagged ones included, oldest first. */
export type ReadFixes = (userPk: number, from: number, to: number) => RawFix[];

export interface TrackJob {
  userPk: number;
  /** the finished trip (device time, epoch ms) */
  start: number;
  end: number;
  settings: TripSettings;
  /** the earlier trips of the rich track this one joins, oldest first; null: it starts its own */
  merged: { start: number; end: number }[] | null;
}

export interface TrackOutcome {
  judged: TrackJudgement;
  /** fixes of the trip itself (the raw track) */
  fixCount: number;
  /** the rich track (merged trips included); null for a removed trip */
  processed: ProcessedTrack | null;
}

export function computeTrack(read: ReadFixes, job: TrackJob): TrackOutcome {
  const raw = read(job.userPk, job.start, job.end);
  const judged = judgeTrack(raw, job.settings);
  if (judged.status === 'removed') return { judged, fixCount: raw.length, processed: null };
  const earlier = (job.merged ?? []).flatMap((t) => read(job.userPk, t.start, t.end));
  const fixes = earlier.length > 0 ? [...earlier, ...raw] : raw;
  return { judged, fixCount: raw.length, processed: processTrack(fixes, job.settings) };
}

/** A trip in progress, processed from its fixes stored so far. */
export interface ProgressJob {
  userPk: number;
  /** the trip's start and its newest fix (device time, epoch ms) */
  start: number;
  end: number;
  settings: TripSettings;
}

/** What a fleet's day summary needs of a trip in progress (no route, no event list). */
export type ProgressTotals = Pick<ProcessedTrack, 'distance_m' | 'moving_s' | 'idle_s' | 'max_speed' | 'counts'>;

export function computeProgress(read: ReadFixes, job: ProgressJob): ProcessedTrack {
  return processTrack(read(job.userPk, job.start, job.end), job.settings);
}

export function progressTotals(p: ProcessedTrack): ProgressTotals {
  return { distance_m: p.distance_m, moving_s: p.moving_s, idle_s: p.idle_s, max_speed: p.max_speed, counts: p.counts };
}
