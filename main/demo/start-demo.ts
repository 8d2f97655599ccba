/**
 * `startDemo`: a tracking server on a fresh data folder with a demo company, its admin, 25
 * drivers and a simulated fleet sending through the real WebSocket ingest path. The CLI
 * (`npm run demo`) and the integration test both start it here.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueToken, type Accounts } from '../server/accounts';
import { DEFAULT_HOST, DEFAULT_OSMAND_PORT, DEFAULT_PORT } from '../server/config';
import { createTrackingServer, type TrackingServer } from '../server/index';
import { lanAddresses } from '../server/lan-addresses';
import { createLogger, type Logger } from '../server/logger';
import { createLoginLink, loginLinkUrl } from '../server/login-links';
import { TRACK_PATH } from '../../shared/protocol/tracking';
import type { DeviceStatusPayload } from '../../shared/protocol/device';
import { DriverSocket, type DriverSocketStats, type OutgoingLocation } from './driver-socket';
import { DEMO_DRIVER_COUNT, demoDrivers, planFleet } from './fleet';
import { firstFreePort } from './free-port';
import { DEMO_ADMIN_ID, DEMO_COMPANY_ID, DEMO_COMPANY_NAME, provisionDemo } from './provision';
import { createRng } from './rng';
import { Route } from './route';
import { FleetSimulator } from './simulator';
import { loadTrace } from './trace';
import { Vehicle } from './vehicle';

export interface DemoOptions {
  /** an empty or missing folder; default: a new fleetdesk-demo-<timestamp> folder in the temp dir */
  dataDir?: string;
  host?: string;
  /** exact port (0: any free one); default 8765, or the next free port when it is taken */
  port?: number;
  /** HTTPS + WSS port for phones' browsers, exactly (null: off); default: the next free port after `port` */
  httpsPort?: number | null;
  /** OsmAnd protocol port for Traccar Client, exactly (null: off); default 5055, or the next free one */
  osmandPort?: number | null;
  logger?: Logger;
  drivers?: number;
  /** default: a random one, printed */
  adminPassword?: string;
  /** makes the fleet's behaviour reproducible */
  seed?: number;
  linkTtlSeconds?: number;
}

export interface DemoDriverStatus {
  userId: string;
  connected: boolean;
  stats: DriverSocketStats;
  lastAcked: OutgoingLocation | null;
}

export interface Demo {
  /** where a browser on this machine opens the console */
  url: string;
  /** one-time sign-in link for the demo admin */
  loginUrl: string;
  linkExpiresAt: Date;
  company: { id: string; name: string };
  admin: { userId: string; password: string };
  dataDir: string;
  port: number;
  /** the driver app's address over HTTPS (null when off) */
  httpsUrl: string | null;
  /** the OsmAnd protocol port (null when off) */
  osmandPort: number | null;
  /** the addresses phones on the LAN can reach (empty when bound to one address only) */
  lanUrls: string[];
  server: TrackingServer;
  drivers(): DemoDriverStatus[];
  /** stops the fleet, then the server; safe to call twice */
  stop(): Promise<void>;
}

const DEFAULT_SEED = 20140910;
const DRIVER_TOKEN_TTL_S = 24 * 3600;
const LINK_TTL_S = 3600;
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost']);

/** A new folder for this run; an existing one must be empty so no real fleet's data is touched. */
export function prepareDataDir(dataDir: string | undefined, now = new Date()): string {
  if (dataDir !== undefined) {
    const dir = path.resolve(dataDir);
    if (fs.existsSync(dir)) {
      if (!fs.statSync(dir).isDirectory()) throw new Error(`--data ${dir} is not a folder`);
      if (fs.readdirSync(dir).length > 0) throw new Error(`--data ${dir} is not empty: the demo needs a fresh folder for its own company and users`);
    } else fs.mkdirSync(dir, { recursive: true });
    return dir;
  }
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  const base = path.join(os.tmpdir(), `fleetdesk-demo-${stamp}`);
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Where the simulated phones, on this machine, connect to a server bound to `host`. */
function loopbackFor(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? (await firstFreePort(host, DEFAULT_PORT));
  const profiles = demoDrivers(options.drivers ?? DEMO_DRIVER_COUNT);
  const route = Route.fromTrace(loadTrace());
  const dataDir = prepareDataDir(options.dataDir);
  const logger = options.logger ?? createLogger('warn');
  const adminPassword = options.adminPassword ?? crypto.randomBytes(9).toString('base64url');

  // Phones can join the demo too: HTTPS for the driver app, the OsmAnd port for Traccar Client.
  const httpsPort = options.httpsPort !== undefined ? options.httpsPort : port === 0 ? 0 : await firstFreePort(host, port + 1);
  const osmandPort = options.osmandPort !== undefined ? options.osmandPort : port === 0 ? 0 : await firstFreePort(host, DEFAULT_OSMAND_PORT);
  const server = createTrackingServer({ dataDir, host, port, httpsPort, osmandPort, logger });
  const started = await server.start();
  let simulator: FleetSimulator | null = null;
  try {
    const ctx = server.context;
    const accounts: Accounts = ctx.accounts;
    await provisionDemo(accounts, profiles, adminPassword);

    // A browser on this machine reaches a wildcard-bound server at localhost.
    const shownHost = WILDCARD_HOSTS.has(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    const url = `http://${shownHost}:${started.port}`;
    const link = createLoginLink(accounts, DEMO_COMPANY_ID, DEMO_ADMIN_ID, options.linkTtlSeconds ?? LINK_TTL_S);
    const wsUrl = `ws://${loopbackFor(host)}:${started.port}${TRACK_PATH}`;

    const seed = options.seed ?? DEFAULT_SEED;
    const plans = planFleet(route, profiles.length, seed);
    simulator = new FleetSimulator(
      profiles.map((p, i) => {
        const { kind, ...start } = plans[i]!;
        return {
          userId: p.userId,
          vehicle: new Vehicle(route, createRng(seed + 7919 * (i + 1)), kind, start),
          socket: new DriverSocket({
            url: wsUrl,
            userId: p.userId,
            token: () => issueToken(accounts, DEMO_COMPANY_ID, p.userId, DRIVER_TOKEN_TTL_S).token,
            onProblem: (message) => logger.warn({ driver: p.userId }, `demo driver: ${message}`),
            status: demoPhoneStatus(i, kind),
          }),
        };
      }),
    );
    simulator.start();

    const sim = simulator;
    let stopping: Promise<void> | null = null;
    return {
      url,
      loginUrl: loginLinkUrl(url, link.code),
      linkExpiresAt: link.expiresAt,
      company: { id: DEMO_COMPANY_ID, name: DEMO_COMPANY_NAME },
      admin: { userId: DEMO_ADMIN_ID, password: adminPassword },
      dataDir,
      port: started.port,
      httpsUrl: started.httpsPort === null ? null : `https://${shownHost}:${started.httpsPort}`,
      osmandPort: started.osmandPort,
      lanUrls: host === '0.0.0.0' || host === '::' ? lanAddresses().map((a) => `http://${a}:${started.port}`) : [],
      server,
      drivers: () => sim.vehicles.map((v) => ({ userId: v.userId, connected: v.socket.connected, stats: { ...v.socket.stats }, lastAcked: v.socket.lastAcked })),
      stop: () =>
        (stopping ??= (async () => {
          await sim.stop();
          await server.stop();
        })()),
    };
  } catch (err) {
    await simulator?.stop();
    await server.stop();
    throw err;
  }
}

/** A plausible phone: battery from 95 % down by van, draining ~5 %/h; parked vans charge. */
function demoPhoneStatus(index: number, kind: string): () => DeviceStatusPayload {
  const startedAt = Date.now();
  const start = 95 - ((index * 37) % 70);
  const charging = kind === 'parked';
  return () => {
    const hours = (Date.now() - startedAt) / 3_600_000;
    const battery = Math.round(Math.max(3, Math.min(100, start + (charging ? 20 : -5) * hours)));
    return { battery, charging, gps: 'granted', online: true, duty: !charging, connection: 'mobile', app: 'FleetDesk demo phone' };
  };
}
