import { loadOrCreateSecret } from '../server/auth/secret';
import { TokenService } from '../server/auth/tokens';
import type { Accounts } from '../server/accounts';
import { CompanyStore } from '../server/store/companies';
import { openDatabase, type Db } from '../server/store/database';
import { UserStore } from '../server/store/users';

/**
 * Opens the data folder the way the server does (same migrations, same secret) for one CLI
 * command, and closes it afterwards. Safe while the server runs on the same folder (WAL).
 */
export async function withAccounts<T>(dataDir: string, fn: (a: Accounts, db: Db) => Promise<T> | T): Promise<T> {
  const db = openDatabase(dataDir);
  try {
    return await fn({ companies: new CompanyStore(db), users: new UserStore(db), tokens: new TokenService(loadOrCreateSecret(dataDir)) }, db);
  } finally {
    db.close();
  }
}
