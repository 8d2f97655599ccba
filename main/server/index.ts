import type { AddressInfo } from 'node:net';
import { LoginLimiter } from './auth/login-limiter';
import { loadOrCreateSecret } from './auth/secret';
import { TokenService } from './auth/tokens';
import type { TrackingServerConfig } from './config';
import { resolveConfig } from './config';
import type { ServerContext } from './context';
import { buildApp, type App } from './http/app';
import { IngestPipeline } from './ingest/pipeline';
import { DriverRateLimit } from './ingest/rate-limit';
import { createLogger } from './logger';
import { CompanyStore } from './store/companies';
import { openDatabase } from './store/database';
import { PositionWriter } from './store/position-writer';
import { PositionStore } from './store/positions';
import { UserStore } from './store/users';
import { removeServerFile, serverFileInfo, writeServerFile, type ServerFile } from './server-file';
import { VERSION } from './version';
import { TrackServer } from './ws/track-server';

export type { TrackingServerConfig } from './config';

export interface TrackingServer {
  /** Opens the database, binds the port; resolves once accepting connections. */
  start(): Promise<{ host: string; port: number; url: string }>;
  /** Stops accepting, flushes every pending write, closes sockets with 1001, closes the database. */
  stop(): Promise<void>;
  /** Available after start(). */
  readonly context: ServerContext;
  readonly url: string;
}

/**
 * The FleetDesk tracking server as a library: the headless CLI, the tests and the Electron
 * main process all build it here. It never imports electron.
 */
export function createTrackingServer(config: TrackingServerConfig): TrackingServer {
  const resolved = resolveConfig(config);
  const logger = config.logger ?? createLogger('info');
  let ctx: ServerContext | null = null;
  let app: App | null = null;
  let track: TrackServer | null = null;
  let url = '';
  let stopping: Promise<void> | null = null;
  let serverFile: ServerFile | null = null;

  const start = async () => {
    if (ctx) throw new Error('the server is already started');
    const db = openDatabase(resolved.dataDir);
    const positions = new PositionStore(db);
    const writer = new PositionWriter(db, positions, resolved.writer);
    ctx = {
      config: resolved,
      logger,
      db,
      companies: new CompanyStore(db),
      users: new UserStore(db),
      positions,
      writer,
      tokens: new TokenService(loadOrCreateSecret(resolved.dataDir)),
      ingest: new IngestPipeline(writer, positions, new DriverRateLimit(resolved.ws.minUpdateIntervalMs)),
      loginLimiter: new LoginLimiter(resolved.login),
      startedAt: Date.now(),
      version: VERSION,
    };
    try {
      app = await buildApp(ctx);
      track = new TrackServer(ctx);
      track.attach(app.server);
      await app.listen({ host: resolved.host, port: resolved.port });
    } catch (err) {
      track?.stopAccepting(); // its heartbeat timer must not outlive a failed start
      track = null;
      await app?.close().catch(() => undefined);
      app = null;
      db.close();
      ctx = null;
      throw err;
    }
    const addr = app.server.address() as AddressInfo;
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    url = `http://${shownHost}:${addr.port}`;
    // Tells the CLI on this data folder where to point sign-in links; not fatal when unwritable.
    try {
      serverFile = serverFileInfo(resolved.host, addr.port);
      writeServerFile(resolved.dataDir, serverFile);
    } catch (err) {
      serverFile = null;
      logger.warn({ err }, 'could not write server.json to the data folder');
    }
    logger.info({ dataDir: resolved.dataDir, url }, 'tracking server started');
    return { host: addr.address, port: addr.port, url };
  };

  const doStop = async () => {
    if (!ctx || !app || !track) return;
    track.stopAccepting();
    // Drivers' in-flight positions commit and are acked before their sockets close.
    ctx.writer.close();
    await track.closeAll();
    await app.close();
    ctx.db.close();
    if (serverFile) removeServerFile(resolved.dataDir, serverFile);
    logger.info({ stored: ctx.writer.stats.stored }, 'tracking server stopped');
  };

  return {
    start,
    stop: () => (stopping ??= doStop()),
    get context() {
      if (!ctx) throw new Error('the server is not started');
      return ctx;
    },
    get url() {
      return url;
    },
  };
}
