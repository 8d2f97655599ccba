/**
 * Bare reference for the WebSocket scenario: a plain `ws` relay with none of FleetDesk's work
 * (no auth, validation, persistence or rate limits). It speaks just enough of the Tracking API
 * for ws-bench.ts's clients: `authenticate` → `authenticated`, `subscribe` → `subscribed`
 * (the socket becomes an office), `driver_location` → parse, `ack` with the seq, and the update
 * fanned out as JSON `location_update` to every office. Forked like bench-server.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { TRACK_PATH } from '../../../shared/protocol/tracking';
import { failChild, hostBenchChild } from '../child-host';

interface Frame {
  action?: string;
  id?: string;
  seq?: number;
  payload?: { lat: number; lng: number; speed?: number; bearing?: number; accuracy?: number; timestamp: number };
}

hostBenchChild(async () => {
  const httpServer = http.createServer();
  const wss = new WebSocketServer({ server: httpServer, path: TRACK_PATH, perMessageDeflate: false });
  const offices = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Frame;
      if (m.action === 'authenticate') ws.send('{"type":"authenticated"}');
      else if (m.action === 'subscribe') {
        offices.add(ws);
        ws.send('{"type":"subscribed"}');
      } else if (m.action === 'driver_location' && m.payload) {
        ws.send(JSON.stringify({ type: 'ack', seq: m.seq }));
        const update = JSON.stringify({ type: 'location_update', id: m.id, payload: { ...m.payload, timestamp: new Date(m.payload.timestamp).toISOString() } });
        for (const o of offices) o.send(update);
      }
    });
    ws.on('close', () => offices.delete(ws));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return {
    port: (httpServer.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        httpServer.close(() => resolve());
      }),
    pending: () => 0,
    writer: () => ({ batches: 0, stored: 0, duplicates: 0, maxBatch: 0 }),
  };
}).catch(failChild);
