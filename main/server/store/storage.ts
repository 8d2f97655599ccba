/**
 * Everything FleetDesk keeps, behind one object. Domain services receive the stores they need
 * from here (never the database handle) and make several changes atomic with `atomically`, so a
 * second implementation (PostgreSQL, a later issue) can sit beside this SQLite one without
 * touching them. The members are typed by their public methods only (`Shape`), not by the
 * SQLite classes, so another class can provide them.
 */
import path from 'node:path';
import type { Clock } from '../clock';
import { AccidentStore } from './accidents';
import { AlertTable } from './alerts';
import { ApiKeyStore } from './api-keys';
import { CompanyStore } from './companies';
import { Checkpointer } from './checkpointer';
import { bindingFor, DB_FILE, DEFAULT_DURABILITY, openDatabase, schemaVersion, type Db, type Durability } from './database';
import { DeliveryStore } from './deliveries';
import { DestinationStore } from './destinations';
import { DroppedFixStore } from './dropped-fixes';
import { EventLog } from './events';
import { HeartbeatStore } from './heartbeats';
import { LoginLinkStore } from './login-links';
import { PositionWriter, type WriterOptions } from './position-writer';
import { PositionStore } from './positions';
import { ShareSettingsStore } from './share-settings';
import { ShareStore } from './shares';
import { TripSettingsStore } from './trip-settings';
import { TripStore } from './trips';
import { UnknownDeviceStore } from './unknown-devices';
import { UserStore } from './users';

/** A class's public methods and fields as a plain interface (private members left out). */
export type Shape<T> = { [K in keyof T]: T[K] };

export interface Storage {
  positions: Shape<PositionStore>;
  /** group commit of incoming positions: calls back after the batch's commit */
  writer: Shape<PositionWriter>;
  events: Shape<EventLog>;
  alerts: Shape<AlertTable>;
  accidents: Shape<AccidentStore>;
  trips: Shape<TripStore>;
  tripSettings: Shape<TripSettingsStore>;
  heartbeats: Shape<HeartbeatStore>;
  dropped: Shape<DroppedFixStore>;
  apiKeys: Shape<ApiKeyStore>;
  unknownDevices: Shape<UnknownDeviceStore>;
  companies: Shape<CompanyStore>;
  users: Shape<UserStore>;
  loginLinks: Shape<LoginLinkStore>;
  shares: Shape<ShareStore>;
  shareSettings: Shape<ShareSettingsStore>;
  /** notification destinations and their cursors; the delivery log */
  destinations: Shape<DestinationStore>;
  deliveries: Shape<DeliveryStore>;
  /** Runs `work` as one atomic change of every store it touches; a call inside another joins it. */
  atomically<T>(work: () => T): T;
  schemaVersion(): number;
  close(): void;
}

/** The SQLite storage, its members typed as their classes; `db` is there for tests and tools that read the file directly. */
export type SqliteStorage = ReturnType<typeof openSqliteStorage>;

export interface SqliteStorageOptions {
  /** the checkpoint thread's interval (checkpointer.ts), or false for none; default 250 ms */
  checkpointEveryMs?: number | false;
  /** the checkpoint thread could not start or stopped (checkpoints stay on the main thread) */
  onCheckpointerFailure?: (reason: string) => void;
  onCheckpointerRunning?: () => void;
  /** a checkpoint round failed (the file cannot be written now); the thread tries again */
  onCheckpointerStalled?: (reason: string) => void;
  onCheckpointerResumed?: () => void;
}

export function openSqliteStorage(dataDir: string, clock: Clock, writer: WriterOptions, durability: Durability = DEFAULT_DURABILITY, options: SqliteStorageOptions = {}) {
  const binding = bindingFor();
  const db = openDatabase(dataDir, binding, { durability });
  const every = options.checkpointEveryMs ?? 250;
  const checkpoints =
    every === false
      ? null
      : new Checkpointer({
          file: path.join(dataDir, DB_FILE),
          nativeBinding: binding.nativeBinding,
          synchronous: durability === 'full' ? 'FULL' : 'NORMAL',
          intervalMs: every,
          onFailure: options.onCheckpointerFailure,
          onRunning: options.onCheckpointerRunning,
          onStalled: options.onCheckpointerStalled,
          onResumed: options.onCheckpointerResumed,
        });
  const positions = new PositionStore(db);
  const dropped = new DroppedFixStore(db, clock);
  // better-sqlite3 turns a nested transaction into a savepoint, so nesting joins the outer one.
  const tx = db.transaction((work: () => unknown) => work());
  return {
    db,
    /** the checkpoint thread, if one runs */
    checkpoints,
    positions,
    writer: new PositionWriter(db, positions, writer),
    events: new EventLog(db, clock),
    alerts: new AlertTable(db),
    accidents: new AccidentStore(db),
    trips: new TripStore(db),
    tripSettings: new TripSettingsStore(db),
    heartbeats: new HeartbeatStore(db),
    dropped,
    apiKeys: new ApiKeyStore(db, clock),
    unknownDevices: new UnknownDeviceStore(db, clock),
    companies: new CompanyStore(db, clock),
    users: new UserStore(db, clock),
    loginLinks: new LoginLinkStore(db, clock),
    shares: new ShareStore(db),
    shareSettings: new ShareSettingsStore(db),
    destinations: new DestinationStore(db),
    deliveries: new DeliveryStore(db),
    atomically: <T>(work: () => T): T => tx(work) as T,
    schemaVersion: () => schemaVersion(db),
    close() {
      checkpoints?.stop();
      dropped.close();
      db.close();
    },
  } satisfies Storage & { db: Db; checkpoints: Checkpointer | null };
}
