/**
 * The track thread (track-thread.ts): its own read-only connection to the database; each
 * message is one job (track-job.ts): a trip end, or a trip in progress (in full, or only its
 * totals), answered with its outcome or its error.
 */
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { heapCollector } from '../heap-collector';
import { openTrackReader, type TrackReader } from '../store/track-reader';
import type { RawFix } from './process';
import { computeProgress, computeTrack, progressTotals } from './track-job';
import { TRACK_HEAP_COLLECT_MS, type TrackRequest, type TrackThreadStats, type TrackWorkerData } from './track-thread';

const data = workerData as TrackWorkerData;
const port = parentPort;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

let reader: TrackReader | null = null;
try {
  reader = openTrackReader(data.file, data.nativeBinding);
  port?.postMessage({ running: true });
} catch (err) {
  port?.postMessage({ failure: `the track thread could not open the database: ${message(err)}` });
  port?.close();
}

let jobs = 0;
let largestJobFixes = 0;
const heap = heapCollector(data.collectEveryMs ?? TRACK_HEAP_COLLECT_MS);

function stats(): TrackThreadStats {
  const v = v8.getHeapStatistics();
  const s = { heapTotalBytes: v.total_heap_size, heapUsedBytes: v.used_heap_size, mallocedBytes: v.malloced_memory, externalBytes: v.external_memory, jobs, largestJobFixes, collections: heap.collections };
  jobs = 0;
  largestJobFixes = 0;
  return s;
}

port?.on('message', (m: TrackRequest) => {
  if (!reader) return;
  if ('stop' in m) {
    reader.close();
    reader = null;
    heap.close();
    port.close();
    return;
  }
  if ('stats' in m) {
    port.postMessage({ id: m.id, outcome: stats() });
    return;
  }
  try {
    const from = reader;
    let fixes = 0;
    const read = (userPk: number, start: number, end: number): RawFix[] => {
      const r = from.read(userPk, start, end);
      fixes += r.length;
      return r;
    };
    const outcome = 'job' in m ? computeTrack(read, m.job) : m.totals ? progressTotals(computeProgress(read, m.progress)) : computeProgress(read, m.progress);
    jobs++;
    largestJobFixes = Math.max(largestJobFixes, fixes);
    port.postMessage({ id: m.id, outcome });
  } catch (err) {
    port.postMessage({ id: m.id, error: message(err) });
  }
  heap.afterWork();
});
