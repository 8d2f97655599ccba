/**
 * `npm run demo -- [--port P] [--https-port P] [--osmand-port P] [--host H] [--data DIR]`:
 * FleetDesk with a simulated fleet, for a first look with no phone. Prints the console URL, a
 * one-time sign-in link and where phones connect (HTTPS driver app, OsmAnd port);
 * Ctrl-C stops the fleet and the server and exits 0.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_HOST, DEFAULT_OSMAND_PORT, DEFAULT_PORT } from '../server/config';
import { startDemo, type Demo } from './start-demo';

const USAGE = `usage: npm run demo -- [--port P] [--https-port P] [--osmand-port P] [--host H] [--data DIR]
  --port         port to listen on (default ${DEFAULT_PORT}, or the next free one; 0 picks any free port)
  --https-port   HTTPS + WSS port for the driver app on phones (default: the next free one after --port; 0 turns it off)
  --osmand-port  OsmAnd protocol port for Traccar Client (default ${DEFAULT_OSMAND_PORT}, or the next free one; 0 turns it off)
  --host  address to listen on (default ${DEFAULT_HOST}: every interface, so phones on the LAN can join)
  --data  an empty folder for the demo's database (default: a new fleetdesk-demo-<time> folder in the temp dir)`;
const STOP_TIMEOUT_MS = 10_000;

function fail(message: string, code: number): never {
  process.stderr.write(`fleetdesk demo: ${message}\n`);
  process.exit(code);
}

function portOf(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) fail(`--${name} must be a whole number from 0 to 65535, not "${value}"\n${USAGE}`, 2);
  return Number(value);
}

function parseOptions(): { port?: number; httpsPort?: number | null; osmandPort?: number | null; host?: string; data?: string } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'https-port': { type: 'string' },
        'osmand-port': { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const port = portOf('port', values.port);
  // like serve: 0 turns the extra listener off
  const https = portOf('https-port', values['https-port']);
  const osmand = portOf('osmand-port', values['osmand-port']);
  if (values.host !== undefined && !values.host.trim()) fail(`--host must not be empty\n${USAGE}`, 2);
  if (values.data !== undefined && !values.data.trim()) fail(`--data must not be empty\n${USAGE}`, 2);
  return {
    port,
    httpsPort: https === undefined ? undefined : https === 0 ? null : https,
    osmandPort: osmand === undefined ? undefined : osmand === 0 ? null : osmand,
    host: values.host,
    data: values.data,
  };
}

function banner(demo: Demo): string {
  const minutes = Math.round((demo.linkExpiresAt.getTime() - Date.now()) / 60_000);
  const lines = [
    '',
    `FleetDesk demo is running: ${demo.drivers().length} vans of "${demo.company.name}" replaying a real drive through Munich.`,
    '',
    `  Console:   ${demo.url}`,
    `  Sign in:   ${demo.loginUrl}`,
    `             (one-time link, valid for ${minutes} minutes)`,
    `  Or with:   company "${demo.company.id}", user "${demo.admin.userId}", password "${demo.admin.password}"`,
  ];
  lines.push(
    demo.httpsUrl ? `  Phones:    ${demo.httpsUrl}/driver   (the driver app, HTTPS; the certificate is self-signed)` : '  Phones:    HTTPS is off (--https-port 0)',
    demo.osmandPort !== null ? `  Traccar Client / OsmAnd: port ${demo.osmandPort}` : '  Traccar Client / OsmAnd: off (--osmand-port 0)',
  );
  if (demo.lanUrls.length > 0) lines.push(`  On your network (phones can send here too): ${demo.lanUrls.join(', ')}`);
  lines.push(`  Data:      ${demo.dataDir}`, '', 'Press Ctrl-C to stop.', '');
  return lines.join('\n');
}

const opts = parseOptions();
let demo: Demo | null = null;
let stopRequested = false;
let stopping = false;

const shutdown = (signal: string): void => {
  if (!demo) {
    stopRequested = true; // still starting: stop as soon as it is up
    return;
  }
  if (stopping) {
    process.stderr.write(`fleetdesk demo: ${signal} again, exiting at once\n`);
    process.exit(1);
  }
  stopping = true;
  const running = demo;
  process.stdout.write('\nStopping the demo fleet and the server…\n');
  const watchdog = setTimeout(() => fail(`did not stop within ${STOP_TIMEOUT_MS / 1000} s`, 1), STOP_TIMEOUT_MS);
  watchdog.unref();
  running.stop().then(
    () => {
      process.stdout.write(`Stopped. The demo data stays in ${running.dataDir}\n`);
      process.exit(0);
    },
    (err: Error) => fail(`stopping failed: ${err.message}`, 1),
  );
};
// Before anything starts: a Ctrl-C that comes early must still stop cleanly.
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

try {
  demo = await startDemo({ port: opts.port, httpsPort: opts.httpsPort, osmandPort: opts.osmandPort, host: opts.host, dataDir: opts.data });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  const which = /:(\d+)\s*$/.exec(e.message)?.[1] ?? opts.port ?? 'chosen';
  fail(e.code === 'EADDRINUSE' ? `port ${which} is already in use; pick others with --port, --https-port or --osmand-port` : e.message, 1);
}
if (stopRequested) shutdown('SIGINT');
else process.stdout.write(banner(demo));
