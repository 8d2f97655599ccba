import type { LoginLimiter } from './auth/login-limiter';
import type { TokenService } from './auth/tokens';
import type { ResolvedConfig } from './config';
import type { IngestPipeline } from './ingest/pipeline';
import type { Logger } from './logger';
import type { CompanyStore } from './store/companies';
import type { Db } from './store/database';
import type { PositionStore } from './store/positions';
import type { PositionWriter } from './store/position-writer';
import type { UserStore } from './store/users';

/** Everything the HTTP routes and the WebSocket handlers share; built once per server. */
export interface ServerContext {
  config: ResolvedConfig;
  logger: Logger;
  db: Db;
  companies: CompanyStore;
  users: UserStore;
  positions: PositionStore;
  writer: PositionWriter;
  tokens: TokenService;
  ingest: IngestPipeline;
  loginLimiter: LoginLimiter;
  startedAt: number;
  version: string;
}
