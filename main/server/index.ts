import type { AddressInfo } from 'node:net';
import { AccessEvents } from './auth/access-events';
import { AttemptLimiter } from './auth/attempt-limiter';
import type { TrackingServerConfig } from './config';
import { resolveConfig } from './config';
import type { ServerContext } from './context';
import { buildApp, type App } from './http/app';
import { IngestPipeline } from './ingest/pipeline';
import { DriverRateLimit } from './ingest/rate-limit';
import { LoopLag } from './loop-lag';
import { createLogger, secretSafe } from './logger';
import { accountsFrom } from './open-accounts';
import type { Timer } from './clock';
import { isDiskFull } from './errors';
import { bindingFor, DB_FILE } from './store/database';
import { openSqliteStorage } from './store/storage';
import { secureDataFolder } from './store/data-folder';
import { removeServerFile, serverFileInfo, writeServerFile, type ServerFile } from './server-file';
import { VERSION } from './version';
import { TrackServer } from './ws/track-server';
import { TripService } from './trips/trip-service';
import { TrackThread } from './trips/track-thread';
import { ShareService } from './shares/share-service';
import { AlertStore } from './devices/alerts';
import { AccidentPipeline } from './crash/accident-pipeline';
import { ServerCrashDetection } from './crash/server-detection';
import { postCommitStages } from './ingest/stages';
import { DeviceStatusService } from './devices/device-status';
import { Plausibility } from './ingest/plausibility';
import { closeServer, createHttpsServer, createOsmandServer, listen } from './http/ports';
import { loadOrCreateCertificate } from './tls/certificate';
import { Outbox } from './notify/outbox';
import { DestinationService } from './notify/destinations';
import { PROVIDER_KINDS } from './notify/providers/index';
import { keyFileSealer, secretBox } from './notify/secret-box';
import { shareBase } from './http/routes/share-links';
import type http from 'node:http';
import type https from 'node:https';

export type { TrackingServerConfig } from './config';

export interface Started {
  host: string;
  port: number;
  url: string;
  /** null when disabled */
  httpsPort: number | null;
  httpsUrl: string | null;
  osmandPort: number | null;
  tlsFingerprint: string | null;
}

export interface TrackingServer {
  /** Opens the database, binds the ports; resolves once accepting connections. */
  start(): Promise<Started>;
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
  const logger = secretSafe(config.logger ?? createLogger('info'));
  let ctx: ServerContext | null = null;
  let app: App | null = null;
  let track: TrackServer | null = null;
  let url = '';
  let stopping: Promise<void> | null = null;
  let serverFile: ServerFile | null = null;
  let extra: (http.Server | https.Server)[] = [];
  let sweeper: Timer | null = null;
  /** how late the event loop runs, for the rate limit (loop-lag.ts) */
  const loopLag = new LoopLag();

  const start = async () => {
    if (ctx) throw new Error('the server is already started');
    const tooOpen = secureDataFolder(resolved.dataDir, DB_FILE);
    if (tooOpen.length > 0) logger.warn({ corrected: tooOpen }, 'the data folder was readable by other users: made private to its owner (folders 0700, files 0600)');
    const storage = openSqliteStorage(resolved.dataDir, resolved.clock, resolved.writer, resolved.durability, {
      onCheckpointerRunning: () => logger.info('SQLite checkpoints run on their own thread'),
      onCheckpointerFailure: (reason) => logger.warn({ reason }, 'SQLite checkpoints run on the main thread (the checkpoint thread stopped); positions are stored as before'),
      onCheckpointerStalled: (reason) => logger.warn({ reason, dataDir: resolved.dataDir }, 'SQLite checkpoints cannot write to the database file; tried again every few moments (what is not copied stays in the WAL)'),
      onCheckpointerResumed: () => logger.info('SQLite checkpoints run again'),
    });
    const { db, positions, writer, events, dropped } = storage;
    writer.onHealthChange((failure) => {
      if (!failure) return logger.info('positions are stored again');
      const why = isDiskFull(failure) ? 'the disk is full' : 'the database cannot be written';
      logger.error({ err: failure, dataDir: resolved.dataDir }, `positions cannot be stored: ${why}; phones are told to send them again later`);
    });
    const alerts = new AlertStore(storage, resolved.clock);
    const accounts = accountsFrom(storage, resolved.dataDir, resolved.clock);
    const companies = accounts.companies;
    const tracks = new TrackThread({
      file: db.name,
      nativeBinding: bindingFor().nativeBinding,
      onFailure: (reason) => logger.warn({ reason }, 'trip ends are read and processed in the main thread'),
    });
    const trips = new TripService({ storage, logger, clock: resolved.clock, tracks });
    const deviceStatus = new DeviceStatusService(storage, resolved.clock, resolved.notify.heartbeatIntervalMs);
    const shares = new ShareService({ storage, clock: resolved.clock, logger });
    const keyFile = keyFileSealer(resolved.dataDir);
    const given = resolved.secretSealer;
    const box = !given ? secretBox(keyFile) : given.openOnly ? secretBox(keyFile, given) : secretBox(given, keyFile);
    let outbox: Outbox | null = null;
    const bases = new Map<string, { url: string; at: number }>();
    const destinations = new DestinationService({ storage, clock: resolved.clock, box, kinds: PROVIDER_KINDS, changed: (companyId, id) => outbox?.restart(companyId, id) });
    outbox = new Outbox({
      storage,
      clock: resolved.clock,
      logger,
      options: resolved.notify,
      env: { ca: resolved.notify.extraCa },
      kinds: PROVIDER_KINDS,
      // the same public base the share links use (Settings → public address), else this machine's
      // LAN address; remembered a few seconds per company (reading interfaces per event is costly)
      baseUrl: (companyId) => {
        const hit = bases.get(companyId);
        if (hit && performance.now() - hit.at < 5_000) return hit.url;
        const url = ctx ? shareBase(ctx, companyId).base_url : '';
        bases.set(companyId, { url, at: performance.now() });
        return url;
      },
      settingsOf: (row) => destinations.complete(row),
    });
    ctx = {
      config: resolved,
      logger,
      db,
      storage,
      companies,
      users: accounts.users,
      positions,
      writer,
      tokens: accounts.tokens,
      accounts,
      ingest: new IngestPipeline({
        writer,
        positions,
        rateLimit: new DriverRateLimit(resolved.ws.minUpdateIntervalMs, config.loopLagMs ?? (() => loopLag.ms)),
        plausibility: new Plausibility(resolved.maxPlausibleSpeedMs),
        dropped,
        deviceStatus,
        alerts,
        clockToleranceMs: resolved.clockToleranceMs,
        onStageError: (stage, err) => logger.error({ err, stage }, 'a post-commit stage failed'),
      }),
      attempts: new AttemptLimiter(resolved.clock),
      access: new AccessEvents(),
      apiKeys: storage.apiKeys,
      events,
      deviceStatus,
      alerts,
      accidents: new AccidentPipeline({ storage, alerts, logger, clock: resolved.clock }, resolved.crash),
      unknownDevices: storage.unknownDevices,
      dropped,
      clock: resolved.clock,
      trips,
      shares,
      destinations,
      outbox,
      listening: { port: 0, httpsPort: null, osmandPort: null, tlsFingerprint: null, tlsSelfSigned: false },
      startedAt: resolved.clock.now(),
      version: VERSION,
    };
    ctx.accidents.start();
    shares.start();
    ctx.access.onChange((userPk) => shares.onAccessChanged(userPk));
    // Failed sign-ins and device keys are forgotten when their windows pass (memory stays flat).
    sweeper = resolved.clock.every(60_000, () => ctx?.attempts.sweep());
    loopLag.start();
    try {
      app = await buildApp(ctx);
      track = new TrackServer(ctx);
      ctx.ingest.useStages(
        postCommitStages({ trips, crashDetection: resolved.crash.detect ? new ServerCrashDetection(ctx) : null, shareArrival: shares, liveFanout: track }),
      );
      track.attach(app.server);
      await app.listen({ host: resolved.host, port: resolved.port });
      ctx.listening.port = (app.server.address() as AddressInfo).port;
      // after the port is known: Object.Url of the first events names it
      outbox.start();
      if (resolved.httpsPort !== null) {
        const tls = await loadOrCreateCertificate(resolved.dataDir, resolved.tls, resolved.clock.now());
        const server = createHttpsServer(app, track, tls, resolved.http);
        extra.push(server);
        ctx.listening.httpsPort = await listen(server, resolved.host, resolved.httpsPort);
        ctx.listening.tlsFingerprint = tls.fingerprint;
        ctx.listening.tlsSelfSigned = tls.selfSigned;
      }
      if (resolved.osmandPort !== null) {
        const server = createOsmandServer(app, resolved.http);
        extra.push(server);
        ctx.listening.osmandPort = await listen(server, resolved.host, resolved.osmandPort);
      }
    } catch (err) {
      track?.stopAccepting(); // its heartbeat timer must not outlive a failed start
      track = null;
      await Promise.all(extra.map((s) => closeServer(s)));
      extra = [];
      await app?.close().catch(() => undefined);
      app = null;
      ctx.accidents.stop();
      shares.stop();
      await outbox.stop();
      sweeper?.clear();
      loopLag.stop();
      await trips.stop();
      storage.close();
      ctx = null;
      throw err;
    }
    const addr = app.server.address() as AddressInfo;
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    url = `http://${shownHost}:${addr.port}`;
    // Tells the CLI on this data folder where to point sign-in links; not fatal when unwritable.
    try {
      serverFile = serverFileInfo(resolved.host, addr.port, resolved.clock.now());
      writeServerFile(resolved.dataDir, serverFile);
    } catch (err) {
      serverFile = null;
      logger.warn({ err }, 'could not write server.json to the data folder');
    }
    const l = ctx.listening;
    const httpsUrl = l.httpsPort === null ? null : `https://${shownHost}:${l.httpsPort}`;
    logger.info({ dataDir: resolved.dataDir, url, httpsUrl, osmandPort: l.osmandPort, durability: resolved.durability }, 'tracking server started');
    return { host: addr.address, port: addr.port, url, httpsPort: l.httpsPort, httpsUrl, osmandPort: l.osmandPort, tlsFingerprint: l.tlsFingerprint };
  };

  const doStop = async () => {
    if (!ctx || !app || !track) return;
    sweeper?.clear();
    loopLag.stop();
    track.stopAccepting();
    // Drivers' in-flight positions commit and are acked before their sockets close: the acks go
    // out from promise callbacks of the commit, which run before the next turn of the event loop.
    ctx.writer.close();
    await new Promise((resolve) => setImmediate(resolve));
    await track.closeAll();
    await Promise.all(extra.map((s) => closeServer(s)));
    await app.close();
    ctx.accidents.stop();
    ctx.shares.stop();
    // Sends in flight are abandoned unrecorded: they go again, same id, after the next start.
    await ctx.outbox.stop();
    // Recorded trip ends commit first; trips in progress are not ended: their device's
    // detector is rebuilt from the stored fixes after a restart and the trip continues.
    await ctx.trips.stop();
    ctx.storage.close();
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
