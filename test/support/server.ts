/** Starts a real tracking server on a random port with a real SQLite file in a temp folder. */
import { tempDir } from './temp-dir';
import pino from 'pino';
import type { Role } from '../../shared/ids';
import { addCompany, addUser, issueToken } from '../../main/server/accounts';
import type { Profile } from '../../main/server/store/users';
import { createTrackingServer, type TrackingServer, type TrackingServerConfig } from '../../main/server/index';
import type { ServerContext } from '../../main/server/context';
import { TRACK_PATH } from '../../shared/protocol/tracking';

export interface TestServer {
  server: TrackingServer;
  ctx: ServerContext;
  dataDir: string;
  url: string;
  wsUrl: string;
  company(id: string, name?: string): string;
  user(companyId: string, userId: string, role: Role, opts?: Profile & { password?: string }): Promise<void>;
  token(companyId: string, userId: string, ttlSeconds?: number): string;
  /** fetch against the server with an optional bearer token and JSON body */
  api(method: string, pathname: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

export { tempDir } from './temp-dir';

export async function startTestServer(config: Partial<TrackingServerConfig> = {}): Promise<TestServer> {
  const dataDir = config.dataDir ?? tempDir();
  const logger = pino({ level: process.env.FLEETDESK_TEST_LOG ?? 'silent' });
  // The rate limit forgives a phone the server's own event-loop delay (ingest/rate-limit.ts). In
  // a test the server shares its loop with the test's own synchronous work (password hashing,
  // seeding), and on a busy CI machine a ~1 s stall then let a second update within the interval
  // through: tests see an on-time server unless they pass their own `loopLagMs`.
  const server = createTrackingServer({ host: '127.0.0.1', port: 0, httpsPort: null, osmandPort: null, logger, loopLagMs: () => 0, ...config, dataDir });
  const { url } = await server.start();
  const ctx = server.context;
  const accounts = ctx.accounts;
  return {
    server,
    ctx,
    dataDir,
    url,
    wsUrl: url.replace(/^http/, 'ws') + TRACK_PATH,
    company: (id, name = id) => addCompany(accounts, name, id).id,
    user: async (companyId, userId, role, opts = {}) => {
      await addUser(accounts, { companyId, userId, role, ...opts });
    },
    token: (companyId, userId, ttl = 3600) => issueToken(accounts, companyId, userId, ttl).token,
    api: async (method, pathname, opts = {}) => {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      }
      const res = await fetch(url + pathname, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    stop: () => server.stop(),
  };
}
