/**
 * The tracking server inside the desktop app: the same createTrackingServer as `npm run
 * serve`, on the same data folder by default. Phones are told port 8765 (HTTPS 8766, OsmAnd
 * 5055); when another program holds one of them, that one moves to a free port and the app
 * still starts (desktop-server.ts tells the user and remembers the new port).
 */
import { DEFAULT_HTTPS_PORT, DEFAULT_OSMAND_PORT, DEFAULT_PORT } from '../server/config';
import type { TrackingServer, TrackingServerConfig } from '../server/index';
import type { RememberedPorts } from './desktop-settings';

export type PortName = keyof RememberedPorts;

export interface PortMove {
  name: PortName;
  wanted: number;
  got: number;
}

export interface EmbeddedServer {
  server: TrackingServer;
  port: number;
  /** How this machine's window reaches it: http://127.0.0.1:PORT (the server listens on every interface). */
  localUrl: string;
  /** The ports it listens on (null: off). */
  ports: RememberedPorts;
  /** Ports that were taken and moved to free ones. */
  moves: PortMove[];
}

export type ServerFactory = (config: TrackingServerConfig) => TrackingServer;

function addressInUse(err: unknown): { port: number | undefined } | null {
  const e = err as (NodeJS.ErrnoException & { port?: number }) | null;
  return e?.code === 'EADDRINUSE' ? { port: e.port } : null;
}

export function wantedPorts(config: TrackingServerConfig): RememberedPorts {
  return {
    port: config.port ?? DEFAULT_PORT,
    httpsPort: config.httpsPort === undefined ? DEFAULT_HTTPS_PORT : config.httpsPort,
    osmandPort: config.osmandPort === undefined ? DEFAULT_OSMAND_PORT : config.osmandPort,
  };
}

const NAMES: PortName[] = ['port', 'httpsPort', 'osmandPort'];

/**
 * Starts on the wanted ports; a port another program holds moves to a free one (the error
 * names it; when it does not, every port moves). Other errors are thrown.
 */
export async function startEmbeddedServer(create: ServerFactory, config: TrackingServerConfig): Promise<EmbeddedServer> {
  const wanted = wantedPorts(config);
  const current: RememberedPorts = { ...wanted };
  const moved = new Set<PortName>();
  for (;;) {
    const server = create({ ...config, ...current });
    try {
      const started = await server.start();
      const ports: RememberedPorts = { port: started.port, httpsPort: started.httpsPort, osmandPort: started.osmandPort };
      const moves = [...moved].map((name) => ({ name, wanted: wanted[name] as number, got: ports[name] as number }));
      return { server, port: started.port, localUrl: `http://127.0.0.1:${started.port}`, ports, moves };
    } catch (err) {
      const inUse = addressInUse(err);
      if (!inUse) throw err;
      const taken = NAMES.filter((n) => current[n] !== null && current[n] !== 0 && (inUse.port === undefined || current[n] === inUse.port));
      if (taken.length === 0) throw err;
      config.logger?.warn({ ports: taken.map((n) => current[n]), err }, 'a port is taken; the server moves it to a free one');
      for (const n of taken) {
        current[n] = 0;
        moved.add(n);
      }
    }
  }
}
