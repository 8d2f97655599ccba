/**
 * The track thread (track-thread.ts): its own read-only connection to the database; each
 * message is one job (track-job.ts): a trip end, or a trip in progress (in full, or only its
 * totals), answered with its outcome or its error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openTrackReader, type TrackReader } from '../store/track-reader';
import { computeProgress, computeTrack, progressTotals } from './track-job';
import type { TrackRequest, TrackWorkerData } from './track-thread';

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

port?.on('message', (m: TrackRequest) => {
  if (!reader) return;
  if ('stop' in m) {
    reader.close();
    reader = null;
    port.close();
    return;
  }
  try {
    const read = reader.read;
    const outcome = 'job' in m ? computeTrack(read, m.job) : m.totals ? progressTotals(computeProgress(read, m.progress)) : computeProgress(read, m.progress);
    port.postMessage({ id: m.id, outcome });
  } catch (err) {
    port.postMessage({ id: m.id, error: message(err) });
  }
});
