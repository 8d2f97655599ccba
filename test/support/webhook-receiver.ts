/**
 * A webhook receiver on 127.0.0.1 for the notification tests and the benchmark: it records every
 * request (headers, raw body, when it arrived, what it answered) and can be told to answer an
 * error status or to go away entirely (its port closed) and come back on the same port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export interface Hit {
  /** path and query: tells destinations apart when several point at one receiver */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** the raw body, as signed */
  body: string;
  /** Date.now() when the whole body had arrived */
  at: number;
  /** the status answered */
  status: number;
}

export interface WebhookReceiver {
  port: number;
  origin: string;
  /** every request, answered with 2xx or not, in arrival order */
  hits: Hit[];
  /** 2xx answers only: what the sender may count as delivered */
  accepted(path?: string): Hit[];
  /** the status to answer (default 200) */
  status: number;
  /** Closes the port: senders get "connection refused" until `up()`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
  /** called for each hit (the benchmark counts without keeping bodies) */
  onHit: ((hit: Hit) => void) | null;
}

export async function startWebhookReceiver(opts: { keep?: boolean } = {}): Promise<WebhookReceiver> {
  const keep = opts.keep ?? true;
  const sockets = new Set<Socket>();
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit: Hit = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), status: r.status };
      if (keep) r.hits.push(hit);
      r.onHit?.(hit);
      res.writeHead(hit.status, { 'content-type': 'text/plain' }).end(hit.status < 300 ? 'ok' : 'receiver busy');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => (server.off('error', reject), resolve())));
  const shut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const r: WebhookReceiver = {
    port,
    origin: `http://127.0.0.1:${port}`,
    hits: [],
    accepted: (path) => r.hits.filter((h) => h.status >= 200 && h.status < 300 && (path === undefined || h.path === path)),
    status: 200,
    down: shut,
    up: () => listen(port),
    close: () => (server.listening ? shut() : Promise.resolve()),
    onHit: null,
  };
  return r;
}
