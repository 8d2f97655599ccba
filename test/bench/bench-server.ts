/**
 * The tracking server of `npm run bench:ws`, run as a child process (forked with an IPC
 * channel) so the load generator never shares its event loop. Usage: bench-server.ts <dataDir>.
 * Reports memory and CPU samples to the parent, event-loop delay for the measured window, and
 * the writer's totals after a clean stop.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createTrackingServer } from '../../main/server/index';
import { createLogger } from '../../main/server/logger';
import type { FromServer, ToServer } from './ipc';

const SAMPLE_MS = 250;
/** event-loop delay histogram resolution; subtracted again, so figures are the lag beyond it */
const LOOP_RESOLUTION_MS = 10;
const lagMs = (ns: number): number => Math.round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100;

function send(msg: FromServer): void {
  process.send?.(msg);
}

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  // an optional second argument: the durability level (default the server's, full)
  const durability = process.argv[3] === 'normal' ? 'normal' : 'full';
  if (!dataDir || !process.send) throw new Error('usage: fork bench-server.ts <dataDir> with an IPC channel');
  // Warnings and errors (e.g. "position not stored") reach the benchmark's stderr as JSON lines.
  // Every simulated phone connects from 127.0.0.1: the per-address cap on not-yet-authenticated
  // sockets (a defence against one misbehaving host) would refuse the ramp of a whole fleet.
  const server = createTrackingServer({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    httpsPort: null,
    osmandPort: null,
    logger: createLogger('warn', false),
    durability,
    ws: { maxPendingPerAddress: 1_000_000 },
    // The share benchmark's viewers all come from 127.0.0.1 too (the per-address limit of share links).
    shareRateLimit: { burst: 1_000_000, perMinute: 1_000_000 },
  });
  const { port } = await server.start();
  const ctx = server.context;

  const delay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  let eluStart = performance.eventLoopUtilization();
  let cpuStart = process.cpuUsage();
  let wallStart = performance.now();
  const sample = (): void => {
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    send({
      type: 'sample',
      at: Date.now(),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      cpuMicros: cpu.user + cpu.system,
      writerPending: ctx.writer.pending,
    });
  };
  const sampler = setInterval(sample, SAMPLE_MS);

  let stopping = false;
  process.on('message', (raw: ToServer) => {
    if (raw.cmd === 'window-start') {
      delay.reset();
      delay.enable();
      eluStart = performance.eventLoopUtilization();
      cpuStart = process.cpuUsage();
      wallStart = performance.now();
    } else if (raw.cmd === 'window-end') {
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
    } else if (raw.cmd === 'stop' && !stopping) {
      stopping = true;
      sample();
      clearInterval(sampler);
      const t0 = Date.now();
      server
        .stop()
        .then(() => {
          send({ type: 'stopped', writer: { ...ctx.writer.stats }, rssBytes: process.memoryUsage().rss, stopMs: Date.now() - t0 });
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
  send({ type: 'ready', port, pid: process.pid });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  process.disconnect?.();
});
