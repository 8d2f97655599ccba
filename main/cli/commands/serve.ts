import { Command, Option } from 'commander';
import { DEFAULT_HOST, DEFAULT_HTTPS_PORT, DEFAULT_OSMAND_PORT, DEFAULT_PORT } from '../../server/config';
import { createTrackingServer } from '../../server/index';
import { findExistingServer } from '../../server/existing-server';
import { lanAddresses } from '../../server/lan-addresses';
import { createLogger, LOG_LEVELS, type LogLevel } from '../../server/logger';
import { dataOption } from '../data-option';
import { CliError } from '../errors';

interface ServeOptions {
  host: string;
  port: string;
  httpsPort: string;
  osmandPort: string;
  tlsCert?: string;
  tlsKey?: string;
  clockTolerance: string;
  data: string;
  logLevel: LogLevel;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the tracking server headless')
    .option('--host <host>', 'address to listen on (0.0.0.0: reachable from phones on the LAN)', DEFAULT_HOST)
    .option('--port <port>', 'port (0 picks a free one)', String(DEFAULT_PORT))
    .option('--https-port <port>', 'HTTPS + WSS port for phones\' browsers (0 disables)', String(DEFAULT_HTTPS_PORT))
    .option('--osmand-port <port>', 'OsmAnd protocol port for Traccar Client (0 disables)', String(DEFAULT_OSMAND_PORT))
    .option('--tls-cert <file>', 'your own HTTPS certificate (PEM) instead of the self-signed one')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .option('--clock-tolerance <minutes>', "a phone time further ahead than this is a wrong clock: the fix is stored at arrival time", '5')
    .addOption(dataOption())
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    .action(async (o: ServeOptions) => {
      const port = portOption('--port', o.port);
      const httpsPort = portOption('--https-port', o.httpsPort);
      const osmandPort = portOption('--osmand-port', o.osmandPort);
      if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new CliError('--tls-cert and --tls-key go together');
      const tls = o.tlsCert && o.tlsKey ? { certFile: o.tlsCert, keyFile: o.tlsKey } : undefined;
      const tolerance = Number(o.clockTolerance);
      if (!/^\d+(\.\d+)?$/.test(o.clockTolerance.trim()) || tolerance < 0.5 || tolerance > 1440) {
        throw new CliError(`--clock-tolerance is in minutes, from 0.5 to 1440, not "${o.clockTolerance}"`);
      }
      // One server per data folder: a second one would be a second writer with its own trip and
      // crash pipelines, and phones would keep sending to the first.
      const existing = await findExistingServer(o.data);
      if (existing.kind === 'running') {
        throw new CliError(
          `FleetDesk ${existing.version} already serves the data folder ${o.data} at ${existing.url} (process ${existing.info.pid}, perhaps the desktop app): use it, stop it first, or give --data another folder`,
        );
      }
      if (existing.kind === 'unresponsive') {
        throw new CliError(`another FleetDesk server (process ${existing.info.pid}) holds the data folder ${o.data} but does not answer at ${existing.url} (${existing.detail}); stop it first`);
      }
      const logger = createLogger(o.logLevel);
      const server = createTrackingServer({
        host: o.host,
        port,
        httpsPort: httpsPort === 0 ? null : httpsPort,
        osmandPort: osmandPort === 0 ? null : osmandPort,
        tls,
        clockToleranceMs: tolerance * 60_000,
        dataDir: o.data,
        logger,
      });
      let address;
      try {
        address = await server.start();
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'EADDRINUSE') throw new CliError(`a port on ${o.host} is already in use (${e.message.replace(/^listen EADDRINUSE: address already in use /, '')}); choose others with --port, --https-port or --osmand-port`);
        if (/cannot (read|use) the TLS/.test(e.message)) throw new CliError(e.message);
        if (e.code === 'EADDRNOTAVAIL') throw new CliError(`cannot listen on ${o.host}: no such address on this machine`);
        throw err;
      }
      const shownHost = address.host.includes(':') ? `[${address.host}]` : address.host;
      process.stdout.write(`FleetDesk listening on http://${shownHost}:${address.port}\n`);
      if (address.httpsUrl) process.stdout.write(`HTTPS for phones' browsers on ${address.httpsUrl} (certificate SHA-256 ${address.tlsFingerprint})\n`);
      if (address.osmandPort !== null) process.stdout.write(`OsmAnd protocol (Traccar Client) on port ${address.osmandPort}\n`);
      if (o.host === '0.0.0.0' || o.host === '::') {
        logger.info({ lan: lanAddresses().map((a) => `http://${a}:${address.port}`) }, 'phones on the local network can reach these addresses');
      }
      let signals = 0;
      const shutdown = (signal: string) => {
        if (++signals > 1) {
          logger.warn({ signal }, 'second signal: exiting without waiting');
          process.exit(1);
        }
        logger.info({ signal }, 'shutting down');
        server.stop().then(
          () => {
            logger.flush();
            process.exit(0);
          },
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    });
}

function portOption(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new CliError(`${name} must be a number from 0 to 65535, not "${value}"`);
  return Number(value);
}
