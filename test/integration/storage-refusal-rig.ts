/**
 * What the storage-refusal tests share (backpressure-disk-full, backpressure-read-only): a real
 * server with its log captured, a driver on the Tracking API sending one fix per seq, and an
 * OsmAnd phone.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { send, type Sent } from './phone-fixtures';
import type { TrackingServerConfig } from '../../main/server/config';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

export interface RefusalRig {
  s: TestServer;
  /** the server's log lines so far */
  lines: { level: number; msg: string }[];
  ws: TestSocket;
  van: { pk: number };
  phone: { pk: number };
  /** the driver's fix for a seq (device times an hour ago, a second apart) */
  fix(seq: number): { lat: number; lng: number; speed: number; bearing: number; timestamp: number };
  /** One batch of fixes per seq (location_batch: exempt from the live 1 Hz limit); the answer for it. */
  sendFix(seq: number): Promise<any>;
  /** the phone's i-th fix over OsmAnd */
  phoneFix(i: number): Promise<Sent>;
  /** device times of the driver's stored fixes, in order */
  storedTimes(): number[];
  /**
   * Writes work again: the driver sends seqs `from` … `to - 1` again and each is acked (added to
   * `acked`), the phone's second fix is answered 200, the log says positions are stored again,
   * and what is stored is exactly the acked fixes, each once, and both of the phone's.
   */
  resendAfterRecovery(from: number, to: number, acked: Set<number>): Promise<void>;
}

export async function startRefusalRig(config: Partial<TrackingServerConfig> = {}): Promise<RefusalRig> {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => (lines.push(JSON.parse(String(chunk)) as { level: number; msg: string }), cb()) }));
  const s = await startTestServer({ logger, osmandPort: 0, ...config });
  const c = s.company('acme');
  let ws: TestSocket;
  try {
    await s.user(c, 'van', 'driver');
    await s.user(c, 'phone', 'driver');
    ws = await TestSocket.open(s.wsUrl);
    assert.equal((await ws.authenticate('van', 'driver', s.token(c, 'van'))).type, 'authenticated');
  } catch (err) {
    await s.stop();
    throw err;
  }
  const van = s.ctx.users.get(c, 'van')!;
  const phone = s.ctx.users.get(c, 'phone')!;
  const osmand = `http://127.0.0.1:${s.ctx.listening.osmandPort}/`;
  const t0 = Date.now() - 3_600_000;
  const fix = (seq: number) => ({ lat: 48 + seq * 1e-5, lng: 11, speed: 30, bearing: 90, timestamp: t0 + seq * 1000 });
  const sendFix = async (seq: number): Promise<any> => {
    ws.send({ action: 'location_batch', id: 'van', seq, payload: { positions: [fix(seq)] } });
    return ws.next((m) => m.seq === seq && (m.type === 'ack' || m.type === 'error'), 10_000);
  };
  const phoneFix = (i: number): Promise<Sent> => send('GET', `${osmand}?id=${phone.device_key}&lat=${50 + i * 1e-5}&lon=8.6&timestamp=${Math.floor(t0 / 1000) + i}&speed=10`);
  const storedTimes = (): number[] => s.ctx.positions.range(van.pk, 0, Number.MAX_SAFE_INTEGER, 100_000).map((r) => r.device_time);
  return {
    s,
    lines,
    ws,
    van,
    phone,
    fix,
    sendFix,
    phoneFix,
    storedTimes,
    resendAfterRecovery: async (from, to, acked) => {
      for (let q = from; q < to; q++) {
        const answer = await sendFix(q);
        assert.equal(answer.type, 'ack', JSON.stringify(answer));
        acked.add(q);
      }
      assert.equal((await phoneFix(1)).status, 200);
      assert.ok(lines.some((l) => l.msg === 'positions are stored again'), 'the log says positions are stored again');
      const times = storedTimes();
      assert.equal(new Set(times).size, times.length, 'no fix stored twice');
      assert.deepEqual(times, [...acked].sort((a, b) => a - b).map((q) => fix(q).timestamp));
      assert.equal(s.ctx.positions.range(phone.pk, 0, Number.MAX_SAFE_INTEGER, 100).length, 2);
    },
  };
}
