/**
 * The extra ports the same app answers on: HTTPS/WSS (phones' browsers give positions only to
 * secure pages) and the OsmAnd port Traccar Client posts to at `/`. Both hand requests to the
 * one Fastify app, so every route, limit and error is the same as on the main port.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { App } from './http/app';
import type { TlsMaterial } from './tls/certificate';
import type { TrackServer } from './ws/track-server';

/** Where the OsmAnd port's requests land on the app. */
export const OSMAND_PATH = '/osmand';

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

export function createHttpsServer(app: App, track: TrackServer, tls: TlsMaterial): https.Server {
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => app.routing(req, res));
  server.on('tlsClientError', () => undefined); // a phone rejecting the self-signed certificate is not an error of ours
  track.attach(server);
  return server;
}

/** `/` and `/?…` become `/osmand…`; any other path is not part of the protocol. */
export function createOsmandServer(app: App): http.Server {
  return http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/' || url.startsWith('/?')) {
      req.url = OSMAND_PATH + url.slice(1);
      app.routing(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: 'NotFound', message: 'this port speaks the OsmAnd protocol: send positions to / (GET or POST)' }));
  });
}

export function closeServer(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
