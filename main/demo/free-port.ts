/** Finds a port the server can bind, so a second demo (or a busy 8765) does not stop the first minute. */
import net from 'node:net';

export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The first free port from `from` on, trying `tries` ports. */
export async function firstFreePort(host: string, from: number, tries = 20): Promise<number> {
  for (let port = from; port < from + tries && port <= 65535; port++) {
    if (await isPortFree(host, port)) return port;
  }
  throw new Error(`ports ${from}–${Math.min(65535, from + tries - 1)} on ${host} are all in use; pass --port`);
}
