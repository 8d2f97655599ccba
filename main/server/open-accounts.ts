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
  return {
    companies: new CompanyStore(db, clock),
    users: new UserStore(db, clock),
    tokens: new TokenService(loadOrCreateSecret(dataDir), clock),
    links: new LoginLinkStore(db, clock),
    clock,
  };
}
