/**
 * The tracking server inside the desktop app: the same createTrackingServer as `npm run
 * serve`, on the same data folder by default. Phones are told port 8765 (HTTPS 8766, OsmAnd
 * 5055); when something else holds one, the app still starts, on free ports, and the tray shows which.
 */
import type { TrackingServer, TrackingServerConfig } from '../server/index';

export interface EmbeddedServer {
  server: TrackingServer;
  port: number;
  /** How this machine's window reaches it: http://127.0.0.1:PORT (the server listens on every interface). */
  localUrl: string;
  /** True when the preferred port was taken and another one was picked. */
  fellBack: boolean;
}

export type ServerFactory = (config: TrackingServerConfig) => TrackingServer;

function isAddressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
}

/** Starts on `config.port`; on EADDRINUSE starts again on a free port. Other errors are thrown. */
export async function startEmbeddedServer(create: ServerFactory, config: TrackingServerConfig): Promise<EmbeddedServer> {
  let server = create(config);
  let fellBack = false;
  let started: { port: number };
  try {
    started = await server.start();
  } catch (err) {
    if (!isAddressInUse(err) || config.port === 0) throw err;
    config.logger?.warn({ port: config.port, err }, 'a port is taken; the server starts on free ports instead');
    // Which of the ports was taken is not said: move the main one, and any extra one that is on.
    const free = (p: number | null | undefined) => (p === null ? null : 0);
    server = create({ ...config, port: 0, httpsPort: free(config.httpsPort), osmandPort: free(config.osmandPort) });
    fellBack = true;
    started = await server.start();
  }
  return { server, port: started.port, localUrl: `http://127.0.0.1:${started.port}`, fellBack };
}
