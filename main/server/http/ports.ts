/**
 * Every port the app answers on, with the same timeouts and connection cap: the main port, and
 * the extra ones: HTTPS/WSS (phones' browsers give positions only to secure pages) and the OsmAnd
 * port Traccar Client posts to at `/`. The extra ones hand requests to the one Fastify app, so
 * every route, limit and error is the same as on the main port.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { HttpLimits } from '../config';
import { OSMAND_PATH } from '../../../shared/protocol/osmand';
import type { App } from './app-type';
import { httpAnswer, notFound } from './errors';
import type { TlsMaterial } from '../tls/certificate';
import type { TrackServer } from '../ws/track-server';
import { answerClientError } from './client-errors';

/** Options every port's server is created with: a slow sender cannot keep a request open for ever. */
export function serverOptions(l: HttpLimits): http.ServerOptions {
  return {
    requestTimeout: l.requestTimeoutMs,
    headersTimeout: Math.min(l.headersTimeoutMs, l.requestTimeoutMs),
    keepAliveTimeout: Math.min(5_000, l.idleTimeoutMs),
    // How often Node checks the two timeouts above (its default of 30 s would let a slow body run twice as long).
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(l.requestTimeoutMs / 4))),
  };
}

/** An idle connection is closed; at most maxConnections are open at once (more are refused). */
export function applyLimits<S extends http.Server | https.Server>(server: S, l: HttpLimits): S {
  server.setTimeout(l.idleTimeoutMs, (socket) => socket.destroy());
  server.maxConnections = l.maxConnections;
  return server;
}

export function listen(server: http.Server | https.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function createHttpsServer(app: App, track: TrackServer, tls: TlsMaterial, limits: HttpLimits): https.Server {
  const server = applyLimits(https.createServer({ ...serverOptions(limits), cert: tls.cert, key: tls.key }, (req, res) => app.routing(req, res)), limits);
  server.on('tlsClientError', () => undefined); // a phone rejecting the self-signed certificate is not an error of ours
  server.on('clientError', answerClientError);
  track.attach(server);
  return server;
}

/** `/` and `/?…` become `/osmand…`; any other path is not part of the protocol. */
export function createOsmandServer(app: App, limits: HttpLimits): http.Server {
  const server = http.createServer(serverOptions(limits), (req, res) => {
    const url = req.url ?? '/';
    if (url === '/' || url.startsWith('/?')) {
      req.url = OSMAND_PATH + url.slice(1);
      app.routing(req, res);
      return;
    }
    const a = httpAnswer(notFound('this port speaks the OsmAnd protocol: send positions to / (GET or POST)'));
    res.writeHead(a.status, { ...a.headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(a.body));
  });
  server.on('clientError', answerClientError);
  return applyLimits(server, limits);
}

export function closeServer(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
