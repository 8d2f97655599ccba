import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { secureDataFolder } from './data-folder';

export type Db = Database.Database;

export const DB_FILE = 'fleetdesk.sqlite';

/**
 * What a COMMIT (and so an ack) survives, as SQLite's `synchronous` in WAL mode:
 * - `full`: every commit is fsynced before it returns, so an acknowledged fix survives a power
 *   loss or an operating-system crash (the group commit amortises the fsync over a batch);
 * - `normal`: the WAL is fsynced only at checkpoints, so a commit survives a crash of the
 *   process, but the last transactions may roll back after a power loss or an OS crash.
 */
export const DURABILITY_LEVELS = ['full', 'normal'] as const;
export type Durability = (typeof DURABILITY_LEVELS)[number];
export const DEFAULT_DURABILITY: Durability = 'full';

/**
 * SQLite's page cache for the server's connection, KiB. better-sqlite3 builds SQLite with 16 MiB
 * (SQLITE_DEFAULT_CACHE_SIZE); the tracking server's writes only append (new table pages it never
 * reads again) and touch one index leaf per device, which the operating system's file cache
 * serves as well: measured with 2,000 and 10,000 drivers, 4 MiB gives the same or better latency
 * than 16 or 64, and the process stops growing once the cache is full, seconds after start
 * instead of minutes; paging through a long history costs ~2 ms more a page (README "Benchmarks").
 */
export const PAGE_CACHE_KIB = 4096;

export interface OpenOptions {
  /** default DEFAULT_DURABILITY */
  durability?: Durability;
}

/**
 * Where the desktop app's better-sqlite3 binding is, relative to the app's root (the repository
 * under `npm start`, app.asar in an installed app). Electron has its own native ABI and cannot
 * load the build `npm install` made for Node, so `npm start` and packaging put an Electron build
 * here (scripts/electron-native.ts) and node_modules keeps Node's: the tests, `npm run serve`,
 * the CLI and the desktop app all work in one checkout, in any order.
 */
export const ELECTRON_BINDING = 'out/native/better_sqlite3.node';

/** The app's root: this file is main/server/store/database.ts in it (also in the bundle, see build.ts). */
const APP_ROOT = path.resolve(import.meta.dirname, '../../..');

export interface BindingChoice {
  /** better-sqlite3's `nativeBinding` option: absent under Node, which loads node_modules' build. */
  nativeBinding?: string;
}

/** Which better-sqlite3 binding this runtime loads: under Electron, the Electron build. */
export function bindingFor(versions: Partial<NodeJS.ProcessVersions> = process.versions, appRoot = APP_ROOT): BindingChoice {
  if (!versions.electron) return {};
  return { nativeBinding: path.join(appRoot, ELECTRON_BINDING) };
}

function openSqlite(file: string, binding: BindingChoice): Db {
  const native = binding.nativeBinding;
  if (native !== undefined && !fs.existsSync(native)) {
    throw new Error(`FleetDesk's SQLite module for Electron is missing (${native}): \`npm start\` prepares it; an installed FleetDesk needs reinstalling`);
  }
  try {
    return new Database(file, native === undefined ? {} : { nativeBinding: native });
  } catch (err) {
    if (native !== undefined && /NODE_MODULE_VERSION|invalid ELF|not a valid Win32|wrong ELF class|mach-o/i.test(String(err))) {
      throw new Error(`FleetDesk's SQLite module for Electron (${native}) was built for another Electron or system: run \`npm start\` again to rebuild it`, { cause: err });
    }
    throw err;
  }
}

export class SchemaTooNewError extends Error {
  constructor(found: number) {
    super(
      `the database schema is version ${found}, newer than this FleetDesk understands (${SCHEMA_VERSION}); ` +
        'upgrade FleetDesk or point --data at another folder',
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Opens (creating if needed) the SQLite file in `dataDir` with WAL, and applies pending
 * migrations. Safe to call from the CLI while the server holds the same file open. Under
 * Electron the binding comes from ELECTRON_BINDING (`binding` overrides it in tests).
 */
export function openDatabase(dataDir: string, binding: BindingChoice = bindingFor(), options: OpenOptions = {}): Db {
  const durability = options.durability ?? DEFAULT_DURABILITY;
  if (!DURABILITY_LEVELS.includes(durability)) throw new Error(`durability is "full" or "normal", not "${String(durability)}"`);
  secureDataFolder(dataDir, DB_FILE);
  const db = openSqlite(path.join(dataDir, DB_FILE), binding);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(durability === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
    db.pragma('busy_timeout = 5000'); // the CLI and the server share the file
    db.pragma('foreign_keys = ON');
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db): void {
  const apply = db.transaction(() => {
    // Re-read inside the (immediate) transaction: another process may have migrated meanwhile.
    const current = schemaVersion(db);
    if (current > SCHEMA_VERSION) throw new SchemaTooNewError(current);
    for (let v = current; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
  });
  if (schemaVersion(db) > SCHEMA_VERSION) throw new SchemaTooNewError(schemaVersion(db));
  if (schemaVersion(db) < SCHEMA_VERSION) apply.immediate();
}
