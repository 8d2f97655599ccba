/**
 * Replays a recorded drive as a phone would send it, over the Tracking API (location_batch,
 * each acked after commit), with its times moved to start at `start`: what the share tests
 * use to drive a device towards a destination.
 */
import assert from 'node:assert/strict';
import type { RawFix } from '../../main/server/trips/process';
import type { TestServer } from './server';
import { TestSocket } from './ws-client';

export interface Driver {
  /** sends fixes [from, to) of the drive, `chunk` per message */
  send(from: number, to: number, chunk?: number): Promise<void>;
  close(): void;
}

export async function driveReplay(s: TestServer, company: string, device: string, fixes: RawFix[], start: number): Promise<Driver> {
  const sock = await TestSocket.open(s.wsUrl);
  assert.equal((await sock.authenticate(device, 'driver', s.token(company, device))).type, 'authenticated');
  const shift = start - fixes[0]!.t;
  let seq = 0;
  return {
    async send(from, to, chunk = 1) {
      for (let i = from; i < to; i += chunk) {
        const positions = fixes.slice(i, Math.min(i + chunk, to)).map((f) => ({ lat: f.lat, lng: f.lng, speed: f.speed * 3.6, bearing: f.bearing, timestamp: f.t + shift, accuracy: 5 }));
        const n = ++seq;
        sock.send({ action: 'location_batch', id: device, seq: n, payload: { positions } });
        assert.deepEqual(await sock.next((m) => m.type === 'ack' || m.type === 'error', 10_000), { type: 'ack', seq: n });
      }
    },
    close: () => sock.ws.terminate(),
  };
}
