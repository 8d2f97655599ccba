import { Command, Option } from 'commander';
import fs from 'node:fs';
import { DEFAULT_NOTIFY } from '../../../shared/api/notifications';
import { DEFAULT_HOST, DEFAULT_HTTPS_PORT, DEFAULT_OSMAND_PORT, DEFAULT_PORT, type NotifyConfig } from '../../server/config';
import { createTrackingServer } from '../../server/index';
import { DEFAULT_DURABILITY, DURABILITY_LEVELS, type Durability } from '../../server/store/database';
import { findExistingServer } from '../../server/existing-server';
import { lanAddresses } from '../../server/lan-addresses';
import { missingMallocSettings } from '../../server/malloc-env';
import { missingV8Flags } from '../../server/v8-flags';
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
  notifySender: string;
  heartbeatInterval: string;
  notifyMaxAttempts: string;
  notifyMaxAge: string;
  notifyCa?: string[];
  durability: string;
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
    .option('--notify-sender <name>', '"Sender" in every backend notification', DEFAULT_NOTIFY.sender)
    .option('--heartbeat-interval <minutes>', 'HeartbeatReceived at most this often per device unless a reported field changes', String(DEFAULT_NOTIFY.heartbeatIntervalMs / 60_000))
    .option('--notify-max-attempts <n>', 'a notification is a dead letter after this many failed attempts …', String(DEFAULT_NOTIFY.maxAttempts))
    .option('--notify-max-age <hours>', '… or once it is this old at a failed attempt', String(DEFAULT_NOTIFY.maxAgeMs / 3600_000))
    .option('--notify-ca <file...>', 'extra certificate authorities (PEM) trusted for notification receivers with a private CA')
    .option('--durability <level>', 'what an ack survives: full = a power loss or OS crash; normal = a crash of the server only (fewer disk syncs)', DEFAULT_DURABILITY)
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
      const notify = notifyOptions(o);
      const durability = durabilityOption(o.durability);
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
        notify,
        durability,
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
      // Before the listening line: whoever waits for it (a supervisor, a test) may stop the server
      // at once, and a signal with no handler yet ends the process without a clean stop.
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
      const shownHost = address.host.includes(':') ? `[${address.host}]` : address.host;
      process.stdout.write(`FleetDesk listening on http://${shownHost}:${address.port}\n`);
      if (address.httpsUrl) process.stdout.write(`HTTPS for phones' browsers on ${address.httpsUrl} (certificate SHA-256 ${address.tlsFingerprint})\n`);
      if (address.osmandPort !== null) process.stdout.write(`OsmAnd protocol (Traccar Client) on port ${address.osmandPort}\n`);
      const missing = [...missingMallocSettings(), ...missingV8Flags()];
      if (missing.length > 0) {
        logger.info({ missing }, "started without FleetDesk's memory settings (npm run serve sets them): its memory may creep for the first hour; see \"Running the server\" in the README");
      }
      if (o.host === '0.0.0.0' || o.host === '::') {
        logger.info({ lan: lanAddresses().map((a) => `http://${a}:${address.port}`) }, 'phones on the local network can reach these addresses');
      }
    });
}

function numberOption(name: string, value: string, min: number, max: number, unit: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || n < min || n > max) throw new CliError(`${name} is ${unit}, from ${min} to ${max}, not "${value}"`);
  return n;
}

function notifyOptions(o: ServeOptions): Partial<NotifyConfig> {
  const sender = o.notifySender.trim();
  if (!sender || sender.length > 100) throw new CliError('--notify-sender must be a name of 1 to 100 characters');
  const extraCa = (o.notifyCa ?? []).map((file) => {
    let pem: string;
    try {
      pem = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read --notify-ca ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new CliError(`--notify-ca ${file} is not a PEM certificate`);
    return pem;
  });
  return {
    sender,
    heartbeatIntervalMs: numberOption('--heartbeat-interval', o.heartbeatInterval, 0, 1440, 'in minutes') * 60_000,
    maxAttempts: Math.round(numberOption('--notify-max-attempts', o.notifyMaxAttempts, 1, 1000, 'a count')),
    maxAgeMs: numberOption('--notify-max-age', o.notifyMaxAge, 0.1, 24 * 30, 'in hours') * 3600_000,
    extraCa,
  };
}

function durabilityOption(value: string): Durability {
  const v = value.trim().toLowerCase();
  if (!(DURABILITY_LEVELS as readonly string[]).includes(v)) {
    throw new CliError(`--durability is "full" (an acknowledged position survives a power loss) or "normal" (it survives a crash of the server only), not "${value}"`);
  }
  return v as Durability;
}

function portOption(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new CliError(`${name} must be a number from 0 to 65535, not "${value}"`);
  return Number(value);
}
