/**
 * What follows every committed fix, in this order, declared here once. Each stage gets the
 * device's newest visible fix (never a GPS jump, never one older than the last); a stage that
 * fails is logged and the next one still runs. Adding a stage ("share arrival", "notification
 * outbox") is one line in this list.
 */
import type { PositionRecord } from './position';

/** A committed, visible, newest fix of a device: what the post-commit stages get. */
export interface CommittedFix {
  companyId: string;
  userPk: number;
  userId: string;
  position: PositionRecord;
  source: string;
}

export interface PostCommitStage {
  name: string;
  run(fix: CommittedFix): void;
}

export interface StageTargets {
  /** trip detection (trips/trip-service.ts) */
  trips: { onPosition(fix: CommittedFix): void };
  /** server-side crash detection (crash/server-detection.ts); null when off */
  crashDetection: { onPosition(fix: CommittedFix): void } | null;
  /** share arrival and the public live feeds of the device's shares (shares/share-service.ts) */
  shareArrival: { onPosition(fix: CommittedFix): void };
  /** the live fan-out to offices subscribed to the device (ws/track-server.ts) */
  liveFanout: { publishPosition(fix: CommittedFix): void };
}

export function postCommitStages(t: StageTargets): PostCommitStage[] {
  return [
    { name: 'trip detection', run: (fix) => t.trips.onPosition(fix) },
    ...(t.crashDetection ? [{ name: 'crash detection', run: (fix: CommittedFix) => t.crashDetection!.onPosition(fix) }] : []),
    { name: 'share arrival', run: (fix) => t.shareArrival.onPosition(fix) },
    { name: 'live fan-out', run: (fix) => t.liveFanout.publishPosition(fix) },
  ];
}
