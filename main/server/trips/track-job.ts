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
