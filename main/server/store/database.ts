import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';

export type Db = Database.Database;

export const DB_FILE = 'fleetdesk.sqlite';

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
 * migrations. Safe to call from the CLI while the server holds the same file open.
 */
export function openDatabase(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(path.join(dataDir, DB_FILE));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a commit survives a process kill
    db.pragma('busy_timeout = 5000'); // the CLI and the server share the file
    db.pragma('foreign_keys = ON');
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
