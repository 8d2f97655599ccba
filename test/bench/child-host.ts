/**
 * The benchmark side of a server child process (forked with an IPC channel): samples memory,
 * CPU and event-loop lag every 250 ms, measures a window on command, stops on command. Shared by
 * FleetDesk's bench-server.ts and the bare references in reference/, so both are measured alike.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector';
import v8 from 'node:v8';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import type { TrackThreadStats } from '../../main/server/trips/track-thread';
import type { FromServer, ToServer, WriterTotals } from './ipc';

const SAMPLE_MS = 250;
/** event-loop delay histogram resolution; subtracted again, so figures are the lag beyond it */
const LOOP_RESOLUTION_MS = 10;
/**
 * Bytes the event loop's own thread has read from the storage device (Linux's per-thread
 * `read_bytes`: a read the OS's page cache could not serve, so the thread waited for the disk);
 * 0 where the file does not exist.
 */
const mainThreadIo = `/proc/self/task/${process.pid}/io`;
function mainThreadDiskReadBytes(): number {
  try {
    return Number(/^read_bytes: (\d+)$/m.exec(fs.readFileSync(mainThreadIo, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
const lagMs = (ns: number): number => Math.round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100;

export interface HostedServer {
  port: number;
  stop(): Promise<void>;
  /** positions waiting for the group commit (0 for a reference without one) */
  pending(): number;
  writer(): WriterTotals;
  /** the commits since the last call: the longest and their total, ms, and how many (absent for a reference without a database) */
  takeCommitTimes?(): { longestMs: number; totalMs: number; count: number };
  /** the track thread's own heap and largest job since the last call (absent for a reference; null before the thread starts) */
  trackStats?(): Promise<TrackThreadStats | null>;
}

/**
 * `BENCH_PROMOTED_PROF=<file>`: V8's sampling heap profiler over the measured window, keeping the
 * objects that outlived the young generation (promoted: live, or freed only by a full GC) and
 * leaving out those a scavenge freed. What it lists is what grows the old space between full GCs.
 * `BENCH_HEAP_SNAPSHOT=<file>`: a heap snapshot at the window's end (after a full GC: what is live).
 */
function promotedProfiler(file: string | undefined): { start(): void; stop(): void } {
  if (!file) return { start: () => undefined, stop: () => undefined };
  const session = new Session();
  session.connect();
  return {
    start: () =>
      session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false } as object),
    stop: () => {
      // young garbage not yet collected would count as kept: a minor collection first (needs --expose-gc)
      (globalThis as { gc?: (o: object) => void }).gc?.({ type: 'minor', execution: 'sync' });
      session.post('HeapProfiler.stopSampling', (err, res) => {
        if (!err) fs.writeFileSync(file, JSON.stringify((res as { profile: unknown }).profile));
      });
    },
  };
}

/** A full (mark-compact) collection, through the inspector (no --expose-gc needed). */
function fullGc(): Promise<void> {
  const session = new Session();
  session.connect();
  return new Promise((resolve) =>
    session.post('HeapProfiler.collectGarbage', () =>
      // not from inside the inspector's own callback (disconnecting there throws)
      setImmediate(() => {
        session.disconnect();
        resolve();
      }),
    ),
  );
}

export function send(msg: FromServer): void {
  process.send?.(msg);
}

/** Starts the server, reports `ready`, then serves the parent's commands until `stop`. */
export async function hostBenchChild(start: () => Promise<HostedServer>): Promise<void> {
  if (!process.send) throw new Error('fork this file with an IPC channel');
  const server = await start();

  const delay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  // a second histogram, always on and reset at every sample: the lag of each 250 ms sample
  const sampleDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  sampleDelay.enable();
  // the longest garbage-collection pause since the previous sample: what a loop-lag spike may be
  let gcMaxMs = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, e.duration);
  });
  gcs.observe({ entryTypes: ['gc'] });
  let eluStart = performance.eventLoopUtilization();
  let cpuStart = process.cpuUsage();
  let wallStart = performance.now();
  // the track thread answers asynchronously: each sample carries its latest answer
  let thread: TrackThreadStats | null = null;
  let threadLargest = 0;
  const askThread = (): void => {
    void server.trackStats?.().then((s) => {
      if (!s) return;
      thread = s;
      threadLargest = Math.max(threadLargest, s.largestJobFixes);
    });
  };
  const sample = (): void => {
    askThread();
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const heap = v8.getHeapStatistics();
    const commits = server.takeCommitTimes?.() ?? { longestMs: 0, totalMs: 0, count: 0 };
    send({
      type: 'sample',
      at: Date.now(),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      newSpaceBytes: v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')?.space_size ?? 0,
      externalBytes: mem.external,
      v8MallocedBytes: heap.malloced_memory,
      cpuMicros: cpu.user + cpu.system,
      writerPending: server.pending(),
      loopLagMaxMs: lagMs(sampleDelay.max),
      gcPauseMaxMs: Math.round(gcMaxMs * 100) / 100,
      commitMaxMs: Math.round(commits.longestMs * 100) / 100,
      commitTotalMs: commits.totalMs,
      commits: commits.count,
      diskReadBytes: mainThreadDiskReadBytes(),
      threadHeapTotalBytes: thread?.heapTotalBytes ?? null,
      threadMallocedBytes: thread?.mallocedBytes ?? null,
      threadLargestJobFixes: thread ? threadLargest : null,
    });
    sampleDelay.reset();
    gcMaxMs = 0;
    threadLargest = 0;
  };
  const sampler = setInterval(sample, SAMPLE_MS);

  const promoted = promotedProfiler(process.env.BENCH_PROMOTED_PROF);
  let stopping = false;
  process.on('message', (raw: ToServer) => {
    if (raw.cmd === 'window-start') {
      promoted.start();
      delay.reset();
      delay.enable();
      eluStart = performance.eventLoopUtilization();
      cpuStart = process.cpuUsage();
      wallStart = performance.now();
    } else if (raw.cmd === 'window-end') {
      promoted.stop();
      delay.disable();
      const elu = performance.eventLoopUtilization(eluStart);
      const cpu = process.cpuUsage(cpuStart);
      send({
        type: 'window',
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - wallStart,
        loopDelay: {
          lagP50Ms: lagMs(delay.percentile(50)),
          lagP99Ms: lagMs(delay.percentile(99)),
          lagMaxMs: lagMs(delay.max),
          utilization: Math.round(elu.utilization * 100) / 100,
        },
      });
      // what is live at the window's end (the snapshot runs a full GC first; it blocks for seconds)
      if (process.env.BENCH_HEAP_SNAPSHOT) setImmediate(() => v8.writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT));
    } else if (raw.cmd === 'stop' && !stopping) {
      stopping = true;
      sample();
      clearInterval(sampler);
      sampleDelay.disable();
      let heapLiveBytes = 0;
      let t0 = 0;
      fullGc()
        .then(() => {
          // what is still reachable once the load is over (the drivers are gone, their state stays)
          heapLiveBytes = process.memoryUsage().heapUsed;
        })
        .then(() => {
          t0 = Date.now();
          return server.stop();
        })
        .then(() => {
          send({ type: 'stopped', writer: server.writer(), rssBytes: process.memoryUsage().rss, heapLiveBytes, stopMs: Date.now() - t0 });
          process.disconnect();
        })
        .catch((err: unknown) => {
          send({ type: 'failed', message: String(err) });
          process.exitCode = 1;
          process.disconnect();
        });
    }
  });
  // If the parent dies, do not linger.
  process.on('disconnect', () => {
    if (!stopping) void server.stop().finally(() => process.exit(1));
  });
  send({ type: 'ready', port: server.port, pid: process.pid });
}

/** The failure path of a child's main(). */
export function failChild(err: unknown): void {
  send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  process.disconnect?.();
}
