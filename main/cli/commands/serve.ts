import { Command, Option } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT } from '../../server/config';
import { createTrackingServer } from '../../server/index';
import { lanAddresses } from '../../server/lan-addresses';
import { createLogger, LOG_LEVELS, type LogLevel } from '../../server/logger';
import { dataOption } from '../data-option';
import { CliError } from '../errors';

interface ServeOptions {
  host: string;
  port: string;
  data: string;
  logLevel: LogLevel;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the tracking server headless')
    .option('--host <host>', 'address to listen on (0.0.0.0: reachable from phones on the LAN)', DEFAULT_HOST)
    .option('--port <port>', 'port (0 picks a free one)', String(DEFAULT_PORT))
    .addOption(dataOption())
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    .action(async (o: ServeOptions) => {
      if (!/^\d+$/.test(o.port) || Number(o.port) > 65535) throw new CliError(`--port must be a number from 0 to 65535, not "${o.port}"`);
      const logger = createLogger(o.logLevel);
      const server = createTrackingServer({ host: o.host, port: Number(o.port), dataDir: o.data, logger });
      let address;
      try {
        address = await server.start();
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'EADDRINUSE') throw new CliError(`port ${o.port} on ${o.host} is already in use; choose another with --port`);
        if (e.code === 'EADDRNOTAVAIL') throw new CliError(`cannot listen on ${o.host}: no such address on this machine`);
        throw err;
      }
      const shownHost = address.host.includes(':') ? `[${address.host}]` : address.host;
      process.stdout.write(`FleetDesk listening on http://${shownHost}:${address.port}\n`);
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
