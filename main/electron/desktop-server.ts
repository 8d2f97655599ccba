/**
 * The server behind the desktop window: the one already serving the data folder when there
 * is one (main/server/existing-server.ts), else the app's own embedded server, on the ports it used last
 * time. Whichever it is, the window and IPC get a URL and the owner's accounts.
 */
import type { Accounts } from '../server/accounts';
import type { TrackingServerConfig } from '../server/index';
import { openDatabase } from '../server/store/database';
import { SCHEMA_VERSION } from '../server/store/migrations';
import { VERSION } from '../server/version';
import { saveDesktopSetting, type RememberedPorts } from './desktop-settings';
import { startEmbeddedServer, type PortMove, type ServerFactory } from './embedded-server';
import { findExistingServer, otherVersionMessage, unresponsiveMessage, type ProbeOptions } from '../server/existing-server';
import { accountsOn } from '../server/open-accounts';

export interface DesktopServer {
  /** 'embedded': this app runs it; 'existing': another process does, and keeps it at quit. */
  readonly mode: 'embedded' | 'existing';
  readonly localUrl: string;
  readonly port: number;
  /** Process id of the server's owner when it is another process. */
  readonly ownerPid: number | null;
  readonly moves: PortMove[];
  accounts(): Accounts;
  /** Commits pending positions at once (a session ending); nothing to do for another process's server. */
  commitPending(): void;
  /** Stops the embedded server, or lets go of the other one's database. */
  stop(): Promise<void>;
}

export interface DesktopServerOptions {
  create: ServerFactory;
  config: TrackingServerConfig;
  /** desktop.json's ports from the last launch that had to move one. */
  remembered?: RememberedPorts;
  probe?: ProbeOptions;
}

const PORT_LABELS: Record<PortMove['name'], string> = { port: 'Port', httpsPort: 'HTTPS port', osmandPort: 'OsmAnd port' };

/** What the user reads when ports moved: which, where to, and that it sticks. */
export function movedPortsMessage(moves: PortMove[]): string {
  const each = moves.map((m) => `${PORT_LABELS[m.name]} ${m.wanted} is used by another program, so FleetDesk uses ${m.got} instead.`);
  return `${each.join(' ')} Phones must send to the new port; FleetDesk keeps it from now on (the "ports" entry of desktop.json in the data folder).`;
}

export async function openDesktopServer(o: DesktopServerOptions): Promise<DesktopServer> {
  const { dataDir } = o.config;
  const existing = await findExistingServer(dataDir, o.probe);
  if (existing.kind === 'unresponsive') throw new Error(unresponsiveMessage(existing, dataDir));
  if (existing.kind === 'running') {
    if (existing.schemaVersion !== SCHEMA_VERSION) throw new Error(otherVersionMessage(existing, { version: VERSION, schemaVersion: SCHEMA_VERSION }, dataDir));
    // The CLI does the same beside a running server: WAL lets both use the file.
    const db = openDatabase(dataDir);
    const accounts: Accounts = accountsOn(db, dataDir);
    o.config.logger?.info({ url: existing.url, pid: existing.info.pid, version: existing.version }, 'a FleetDesk server already serves this data folder; the window opens on it');
    return {
      mode: 'existing',
      localUrl: existing.url,
      port: existing.info.port,
      ownerPid: existing.info.pid,
      moves: [],
      accounts: () => accounts,
      commitPending: () => {},
      stop: async () => {
        db.close();
      },
    };
  }

  const ports = o.remembered ?? { port: o.config.port, httpsPort: o.config.httpsPort, osmandPort: o.config.osmandPort };
  const embedded = await startEmbeddedServer(o.create, { ...o.config, ...ports });
  if (embedded.moves.length > 0) {
    try {
      saveDesktopSetting(dataDir, 'ports', embedded.ports);
    } catch (err) {
      o.config.logger?.warn({ err }, 'could not remember the new ports in desktop.json');
    }
  }
  const ctx = embedded.server.context;
  const accounts: Accounts = ctx.accounts;
  return {
    mode: 'embedded',
    localUrl: embedded.localUrl,
    port: embedded.port,
    ownerPid: null,
    moves: embedded.moves,
    accounts: () => accounts,
    commitPending: () => ctx.writer.flush(),
    stop: () => embedded.server.stop(),
  };
}
