/**
 * The tracking server of `npm run bench:ws` (and the other benches), run as a child process
 * (forked with an IPC channel) so the load generator never shares its event loop.
 * Usage: bench-server.ts <dataDir> [full|normal]. child-host.ts reports memory, CPU and
 * event-loop samples to the parent, the measured window, and the writer's totals after a clean stop.
 */
import { createTrackingServer } from '../../main/server/index';
import { createLogger } from '../../main/server/logger';
import { failChild, hostBenchChild } from './child-host';

hostBenchChild(async () => {
  const dataDir = process.argv[2];
  // an optional second argument: the durability level (default the server's, full)
  const durability = process.argv[3] === 'normal' ? 'normal' : 'full';
  if (!dataDir) throw new Error('usage: fork bench-server.ts <dataDir> [full|normal] with an IPC channel');
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
  return {
    port,
    stop: () => server.stop(),
    pending: () => ctx.writer.pending,
    writer: () => ({ ...ctx.writer.stats }),
    takeCommitTimes: () => ctx.writer.takeCommitTimes(),
    trackStats: () => ctx.trips.trackStats(),
  };
}).catch(failChild);
