import { loadOrCreateSecret } from './auth/secret';
import { TokenService } from './auth/tokens';
import type { Accounts } from './accounts';
import { systemClock, type Clock } from './clock';
import { CompanyStore } from './store/companies';
import type { Db } from './store/database';
import { LoginLinkStore } from './store/login-links';
import { UserStore } from './store/users';

/**
 * The accounts facade on an open database: the one way the server, the CLI, the demo and the
 * desktop app assemble it (same stores, same token secret from the data folder).
 */
export function accountsOn(db: Db, dataDir: string, clock: Clock = systemClock): Accounts {
  return accountsFrom({ companies: new CompanyStore(db, clock), users: new UserStore(db, clock), loginLinks: new LoginLinkStore(db, clock) }, dataDir, clock);
}

/** The same facade on stores already open (the server's storage). */
export function accountsFrom(
  stores: { companies: CompanyStore; users: UserStore; loginLinks: LoginLinkStore },
  dataDir: string,
  clock: Clock = systemClock,
): Accounts {
  return { companies: stores.companies, users: stores.users, tokens: new TokenService(loadOrCreateSecret(dataDir), clock), links: stores.loginLinks, clock };
}
