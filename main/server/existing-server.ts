/**
 * One tracking server per data folder. Before the desktop app starts its own server it looks
 * for one already serving the folder (`npm run serve`, or a FleetDesk started by another user
 * session): server.json names it, its process must still run and its port must answer as
 * FleetDesk. Two servers on one SQLite file would be two writers with two trip and crash
 * pipelines, and phones would keep sending to the first one.
 */
import { liveServerFile, loopbackUrl, type ServerFile } from './server-file';
import { API_PREFIX } from '../../shared/api/schemas';

/** How long a running server gets to answer its health check. */
export const PROBE_TIMEOUT_MS = 3_000;

export type ExistingServer =
  | { kind: 'none' }
  /** A FleetDesk answers for this folder at `url`: the window opens on it. */
  | { kind: 'running'; info: ServerFile; url: string; version: string; schemaVersion: number | null }
  /** Its process runs and its port accepts connections, but it does not answer: starting another would mean two. */
  | { kind: 'unresponsive'; info: ServerFile; url: string; detail: string };

export interface ProbeOptions {
  timeoutMs?: number;
  fetch?: typeof fetch;
}

function isRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } } | null)?.cause;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'EADDRNOTAVAIL' || cause?.code === 'EHOSTUNREACH';
}

export async function findExistingServer(dataDir: string, opts: ProbeOptions = {}): Promise<ExistingServer> {
  const info = liveServerFile(dataDir);
  if (!info) return { kind: 'none' };
  const url = loopbackUrl(info);
  const doFetch = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(`${url}${API_PREFIX}/health`, { signal: AbortSignal.timeout(opts.timeoutMs ?? PROBE_TIMEOUT_MS) });
  } catch (err) {
    // Nothing listens there: server.json outlived its server and the pid now belongs to another program.
    if (isRefused(err)) return { kind: 'none' };
    const detail = (err as Error).name === 'TimeoutError' ? `no answer within ${(opts.timeoutMs ?? PROBE_TIMEOUT_MS) / 1000} s` : (err as Error).message;
    return { kind: 'unresponsive', info, url, detail };
  }
  const body = (await res.json().catch(() => null)) as { status?: unknown; version?: unknown; schema_version?: unknown } | null;
  // Something else took the port since: not a FleetDesk, so not this folder's server.
  if (!res.ok || body?.status !== 'ok' || typeof body.version !== 'string') return { kind: 'none' };
  return { kind: 'running', info, url, version: body.version, schemaVersion: typeof body.schema_version === 'number' ? body.schema_version : null };
}

/**
 * Why this app cannot join a server of another FleetDesk version: opening the database would
 * migrate it under the running server (or refuse a newer one).
 */
export function otherVersionMessage(found: Extract<ExistingServer, { kind: 'running' }>, mine: { version: string; schemaVersion: number }, dataDir: string): string {
  return (
    `Another FleetDesk (version ${found.version}, process ${found.info.pid}) is serving the data folder ${dataDir} with database version ${found.schemaVersion ?? 'unknown'}, ` +
    `and this FleetDesk (version ${mine.version}) uses database version ${mine.schemaVersion}. Two versions cannot share one data folder: ` +
    'stop that server and open FleetDesk again, or run the same version for both.'
  );
}

/** Why the app cannot start while `found` holds the folder, in words for the error box. */
export function unresponsiveMessage(found: Extract<ExistingServer, { kind: 'unresponsive' }>, dataDir: string): string {
  return (
    `Another FleetDesk server (process ${found.info.pid}) is using the data folder ${dataDir}, but it does not answer at ${found.url} (${found.detail}). ` +
    'Starting a second server on the same data would split your fleet between two. Stop that server, or wait for it to finish starting, then open FleetDesk again.'
  );
}
