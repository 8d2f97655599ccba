import type { Accounts } from '../server/accounts';
import { openDatabase, type Db } from '../server/store/database';
import { accountsOn } from '../server/open-accounts';

/**
 * Opens the data folder the way the server does (same migrations, same secret) for one CLI
 * command, and closes it afterwards. Safe while the server runs on the same folder (WAL).
 */
export async function withAccounts<T>(dataDir: string, fn: (a: Accounts, db: Db) => Promise<T> | T): Promise<T> {
  const db = openDatabase(dataDir);
  try {
    return await fn(accountsOn(db, dataDir), db);
  } finally {
    db.close();
  }
}
