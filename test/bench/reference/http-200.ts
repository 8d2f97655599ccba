/**
 * Bare reference for the OsmAnd HTTP scenario: a plain `node:http` server that reads the
 * request (query or form body) and answers 200, with none of FleetDesk's work. Forked like
 * bench-server.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { failChild, hostBenchChild } from '../child-host';

hostBenchChild(async () => {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      res.end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    pending: () => 0,
    writer: () => ({ batches: 0, stored: 0, duplicates: 0, maxBatch: 0 }),
  };
}).catch(failChild);
