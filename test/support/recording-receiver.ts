/**
 * A local receiver for the notification providers' tests: an HTTP or HTTPS server on 127.0.0.1
 * that records every request (headers, body, the client's port, so connection reuse shows) and
 * answers through the test's own function; a self-signed certificate for 127.0.0.1/localhost to
 * trust through the provider env's `ca`; a port where nothing listens.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { generate } from 'selfsigned';

export interface Received {
  method: string;
  /** path and query */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** the client's port: equal for two requests over one kept-alive connection */
  clientPort: number;
}

/** Answers one request; may leave `res` unanswered to play a receiver that hangs. */
export type Answer = (req: Received, res: http.ServerResponse) => void;

export interface RecordingReceiver {
  port: number;
  /** http(s)://127.0.0.1:<port> */
  origin: string;
  received: Received[];
  close(): Promise<void>;
}

export interface Certificate {
  cert: string;
  key: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid for a day. */
export async function selfSignedCertificate(): Promise<Certificate> {
  const made = await generate([{ name: 'commonName', value: 'FleetDesk test receiver' }], {
    keyType: 'ec',
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { cert: made.cert, key: made.private };
}

export async function startReceiver(answer: Answer, tls?: Certificate): Promise<RecordingReceiver> {
  const received: Received[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), clientPort: req.socket.remotePort ?? 0 };
      received.push(r);
      answer(r, res);
    });
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, onRequest) : http.createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (just freed). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
