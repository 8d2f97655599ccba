import type { AccessEvents } from './auth/access-events';
import type { Accounts } from './accounts';
import type { ApiKeyStore } from './store/api-keys';
import type { EventLog } from './store/events';
import type { AttemptLimiter } from './auth/attempt-limiter';
import type { TokenService } from './auth/tokens';
import type { ResolvedConfig } from './config';
import type { IngestPipeline } from './ingest/pipeline';
import type { Logger } from './logger';
import type { CompanyStore } from './store/companies';
import type { SqliteStorage } from './store/storage';
import type { Db } from './store/database';
import type { PositionStore } from './store/positions';
import type { PositionWriter } from './store/position-writer';
import type { UserStore } from './store/users';
import type { AlertStore } from './devices/alerts';
import type { AccidentPipeline } from './crash/accident-pipeline';
import type { DeviceStatusService } from './devices/device-status';
import type { UnknownDeviceStore } from './store/unknown-devices';
import type { DroppedFixStore } from './store/dropped-fixes';
import type { Clock } from './clock';
import type { TripService } from './trips/trip-service';
import type { ShareService } from './shares/share-service';
import type { DestinationService } from './notify/destinations';
import type { Outbox } from './notify/outbox';

/** The ports and certificate the server actually listens with, known after start(). */
export interface Listening {
  port: number;
  httpsPort: number | null;
  osmandPort: number | null;
  /** SHA-256 fingerprint of the HTTPS certificate */
  tlsFingerprint: string | null;
  tlsSelfSigned: boolean;
}

/** Everything the HTTP routes and the WebSocket handlers share; built once per server. */
export interface ServerContext {
  config: ResolvedConfig;
  logger: Logger;
  /** the SQLite database (tests and health read it directly; services use `storage`) */
  db: Db;
  /** every store, and `atomically` (store/storage.ts) */
  storage: SqliteStorage;
  companies: CompanyStore;
  users: UserStore;
  positions: PositionStore;
  writer: PositionWriter;
  tokens: TokenService;
  /** the accounts facade (companies, users, tokens, sign-in links) shared with the CLI, demo and desktop app */
  accounts: Accounts;
  ingest: IngestPipeline;
  /** failed sign-ins and device keys per account and address (http/attempts.ts) */
  attempts: AttemptLimiter;
  access: AccessEvents;
  apiKeys: ApiKeyStore;
  events: EventLog;
  deviceStatus: DeviceStatusService;
  alerts: AlertStore;
  /** the crash pipeline: accidents and their four stages */
  accidents: AccidentPipeline;
  unknownDevices: UnknownDeviceStore;
  /** fixes dropped for good, per device, hour and reason */
  dropped: DroppedFixStore;
  /** the server's "now" (config.clock) */
  clock: Clock;
  /** trip detection on the ingest stream, raw and processed tracks (issue 5) */
  trips: TripService;
  /** live location shares (issue 13) */
  shares: ShareService;
  /** backend notifications (issue 14): destinations per company, and the outbox that delivers */
  destinations: DestinationService;
  outbox: Outbox;
  listening: Listening;
  startedAt: number;
  version: string;
}
