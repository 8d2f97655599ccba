import path from 'node:path';
import { DEFAULT_LIMITS, type LimiterOptions } from './auth/attempt-limiter';
import { PUBLIC_RATE, type BucketRule } from './auth/token-buckets';
import type { Logger } from './logger';
import type { WriterOptions } from './store/position-writer';
import { DEFAULT_DURABILITY, type Durability } from './store/database';
import type { TlsFiles } from './tls/certificate';
import type { CrashOptions } from './crash/accident-pipeline';
import { MAX_PLAUSIBLE_SPEED_MS } from './ingest/plausibility';
import { DEFAULT_CLOCK_TOLERANCE_MS } from './ingest/phone-clock';
import { systemClock, type Clock } from './clock';
import { DEFAULT_OSMAND_PORT } from '../../shared/protocol/osmand';
import { DEFAULT_NOTIFY, type NotifyOptions } from '../../shared/api/notifications';
import type { Sealer } from './notify/secret-box';

/** Backend notifications: retries, dead letters, heartbeat throttle, and receivers' private CAs. */
export interface NotifyConfig extends NotifyOptions {
  /** extra certificate authorities (PEM) trusted for receivers, besides the system's */
  extraCa: string[];
}

export interface WsOptions {
  /** A connection that has not authenticated by then is closed (code 4000). */
  authTimeoutMs: number;
  /** Ping every this often; a connection that missed the previous pong is dropped. */
  pingIntervalMs: number;
  /** Authenticated connections per company unless the company sets its own. */
  maxConnectionsPerCompany: number;
  /** One driver's connections; a further one takes the place of its oldest (a phone reconnecting). */
  maxConnectionsPerDriver: number;
  /** Of a company's limit, this share (at least 1, at most 50) is kept for office and admin users. */
  officeReserveShare: number;
  /** Connections from one address that have not authenticated yet; more are refused (429) at the upgrade. */
  maxPendingPerAddress: number;
  /** Minimum spacing of one driver's live updates (1 s less timer jitter). */
  minUpdateIntervalMs: number;
  /** Above this many buffered bytes an office gets only the newest update per driver. */
  sendHighWaterBytes: number;
  /** An office that stays congested this long is dropped (code 4008). */
  slowConsumerTimeoutMs: number;
}

/** Every port's HTTP limits: a slow or idle client cannot hold a connection for ever. */
export interface HttpLimits {
  /** the whole request (headers and body) must arrive within this */
  requestTimeoutMs: number;
  /** the headers within this */
  headersTimeoutMs: number;
  /** a connection with no traffic is closed after this (WebSockets have their own pings) */
  idleTimeoutMs: number;
  /** open connections per port; more are refused */
  maxConnections: number;
}

export interface TrackingServerConfig {
  dataDir: string;
  host?: string;
  /** 0 picks a free port */
  port?: number;
  logger?: Logger;
  /** Lifetime of tokens from POST /api/v1/auth/login. */
  sessionTtlSeconds?: number;
  ws?: Partial<WsOptions>;
  http?: Partial<HttpLimits>;
  writer?: Partial<WriterOptions>;
  /**
   * What an ack survives (store/database.ts): `full` (default) a power loss or OS crash, `normal`
   * a crash of the process only (the last commits may roll back on power loss; fewer fsyncs).
   */
  durability?: Durability;
  /** failed sign-ins and device keys: how many, in what window, how long locks grow (auth/attempt-limiter.ts) */
  login?: Partial<LimiterOptions>;
  /** The built console (renderer/dist), served at `/`; default: the repository's renderer/dist. */
  rendererDir?: string;
  /** HTTPS + WSS port (phones' browsers need it for positions); default 8766, 0 picks a free one, null disables. */
  httpsPort?: number | null;
  /** Your own certificate and key (PEM); default: a self-signed one made in the data folder. */
  tls?: TlsFiles;
  /**
   * A fix implying more than this speed from the device's last one is stored flagged and never
   * shown live (a GPS jump); default 100 m/s (360 km/h). Raise it for aircraft.
   */
  maxPlausibleSpeedMs?: number;
  /** OsmAnd protocol port (Traccar Client's default 5055), answering at `/`; 0 picks a free one, null disables. */
  osmandPort?: number | null;
  /** The crash pipeline (main/server/crash): when to assemble a buffer-less crash's extra, detection on/off. */
  crash?: Partial<CrashOptions>;
  /**
   * A device time more than this ahead of arrival is a phone's wrong clock: the fix is stored at
   * arrival time, its own time kept beside it (ingest/phone-clock.ts); default 5 minutes.
   */
  clockToleranceMs?: number;
  /** "now" for everything time-dependent that reads it; default the system clock (tests move a manual one). */
  clock?: Clock;
  /**
   * How late the event loop runs now, ms: the rate limit forgives a phone the server's own delay
   * (ingest/rate-limit.ts). Default: measured (loop-lag.ts). Tests of the limit pass `() => 0`,
   * so a stalled test machine cannot loosen the limit they check.
   */
  loopLagMs?: () => number;
  /** requests per client address on the public share links (http/public-rate-limit.ts); default 60 at once, 60 a minute */
  shareRateLimit?: Partial<BucketRule>;
  /** backend notifications (notify/): sender name, retries, dead letters, heartbeat throttle, extra CAs */
  notify?: Partial<NotifyConfig>;
  /**
   * Seals destination secrets (the desktop app passes one on Electron's safeStorage); default and
   * fallback: AES-256-GCM with a key file beside the database (notify/secret-box.ts).
   */
  secretSealer?: Sealer;
}

export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_PORT = 8765;
export const DEFAULT_HTTPS_PORT = 8766;
export { DEFAULT_OSMAND_PORT };

export interface ResolvedConfig {
  dataDir: string;
  host: string;
  port: number;
  sessionTtlSeconds: number;
  ws: WsOptions;
  http: HttpLimits;
  writer: WriterOptions;
  durability: Durability;
  login: LimiterOptions;
  rendererDir: string;
  httpsPort: number | null;
  tls: TlsFiles | undefined;
  osmandPort: number | null;
  maxPlausibleSpeedMs: number;
  crash: CrashOptions;
  clockToleranceMs: number;
  clock: Clock;
  shareRateLimit: BucketRule;
  notify: NotifyConfig;
  secretSealer: Sealer | null;
}

/** Where `npm run build:renderer` puts the console bundle, relative to this source file. */
export function defaultRendererDir(): string {
  return path.resolve(import.meta.dirname, '../../renderer/dist');
}

export function resolveConfig(c: TrackingServerConfig): ResolvedConfig {
  return {
    dataDir: c.dataDir,
    host: c.host ?? DEFAULT_HOST,
    port: c.port ?? DEFAULT_PORT,
    sessionTtlSeconds: c.sessionTtlSeconds ?? 12 * 3600,
    ws: {
      authTimeoutMs: 10_000,
      pingIntervalMs: 30_000,
      maxConnectionsPerCompany: 5_000,
      maxConnectionsPerDriver: 3,
      officeReserveShare: 0.05,
      maxPendingPerAddress: 64,
      minUpdateIntervalMs: 900,
      sendHighWaterBytes: 256 * 1024,
      slowConsumerTimeoutMs: 60_000,
      ...c.ws,
    },
    http: { requestTimeoutMs: 30_000, headersTimeoutMs: 15_000, idleTimeoutMs: 60_000, maxConnections: 20_000, ...c.http },
    writer: { windowMs: 5, maxBatch: 2_000, ...c.writer },
    durability: c.durability ?? DEFAULT_DURABILITY,
    login: { ...DEFAULT_LIMITS, ...c.login },
    // Only computed when not given: a bundled Electron main has no import.meta.dirname.
    rendererDir: c.rendererDir ?? defaultRendererDir(),
    httpsPort: c.httpsPort === undefined ? DEFAULT_HTTPS_PORT : c.httpsPort,
    tls: c.tls,
    osmandPort: c.osmandPort === undefined ? DEFAULT_OSMAND_PORT : c.osmandPort,
    maxPlausibleSpeedMs: c.maxPlausibleSpeedMs ?? MAX_PLAUSIBLE_SPEED_MS,
    // A minute after the event the positions of the minute after it have arrived.
    crash: { extraDelayMs: 60_000, windowMs: 60_000, detect: true, ...c.crash },
    clockToleranceMs: c.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS,
    shareRateLimit: { ...PUBLIC_RATE, ...c.shareRateLimit },
    clock: c.clock ?? systemClock,
    notify: { ...DEFAULT_NOTIFY, extraCa: [], ...c.notify },
    secretSealer: c.secretSealer ?? null,
  };
}
