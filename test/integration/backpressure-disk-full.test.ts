/**
 * A full disk (issue 16, item 5), made with SQLite's max_page_count on the server's own
 * connection: drivers and phones are told plainly that nothing was stored (Tracking API error
 * `Unavailable` with their seq, HTTP 503), the log says why once, nothing is acknowledged that
 * was not stored, and once there is room again the same fixes are stored, once each, with
 * integrity_check clean.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { send } from './phone-fixtures';
import { startTestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

test('disk full: clear refusals over WebSocket and HTTP, one log line, nothing acked unstored; recovers when space returns', { timeout: 60_000 }, async () => {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => (lines.push(JSON.parse(String(chunk)) as { level: number; msg: string }), cb()) }));
  const s = await startTestServer({ logger, osmandPort: 0 });
  try {
    const c = s.company('acme');
    await s.user(c, 'van', 'driver');
    await s.user(c, 'phone', 'driver');
    const van = s.ctx.users.get(c, 'van')!;
    const phone = s.ctx.users.get(c, 'phone')!;
    const ws = await TestSocket.open(s.wsUrl);
    assert.equal((await ws.authenticate('van', 'driver', s.token(c, 'van'))).type, 'authenticated');
    const osmand = `http://127.0.0.1:${s.ctx.listening.osmandPort}/`;
    const t0 = Date.now() - 3_600_000;
    const fix = (seq: number) => ({ lat: 48 + seq * 1e-5, lng: 11, speed: 30, bearing: 90, timestamp: t0 + seq * 1000 });
    /** One batch of fixes per seq (location_batch: exempt from the live 1 Hz limit); the answer for it. */
    const sendFix = async (seq: number) => {
      ws.send({ action: 'location_batch', id: 'van', seq, payload: { positions: [fix(seq)] } });
      return ws.next((m) => m.seq === seq && (m.type === 'ack' || m.type === 'error'), 10_000);
    };
    const phoneFix = (i: number) => send('GET', `${osmand}?id=${phone.device_key}&lat=${50 + i * 1e-5}&lon=8.6&timestamp=${Math.floor(t0 / 1000) + i}&speed=10`);

    for (let seq = 0; seq < 5; seq++) assert.equal((await sendFix(seq)).type, 'ack');
    assert.equal((await phoneFix(0)).status, 200);

    // No room to grow: the database stays at its present size.
    const db = s.ctx.db;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const acked = new Set<number>([0, 1, 2, 3, 4]);
    let refusal: any = null;
    let seq = 5;
    for (; seq < 5000 && !refusal; seq++) {
      const answer = await sendFix(seq);
      if (answer.type === 'ack') acked.add(seq);
      else refusal = answer;
    }
    assert.ok(refusal, 'the server refused a fix once the database was full');
    assert.equal(refusal.error, 'Unavailable');
    assert.equal(refusal.message, "the server's disk is full: nothing was stored; send it again later");
    const refusedSeq = refusal.seq as number;
    console.log(`disk full after ${acked.size} acknowledged fixes (database of ${pages} pages)`);

    // More of the same while full: refused, each with its own seq; an OsmAnd phone gets 503 in plain words.
    for (let k = 0; k < 3; k++) {
      const again = await sendFix(seq + k);
      assert.equal(again.type, 'error');
      assert.equal(again.error, 'Unavailable');
    }
    const refusedPhone = await phoneFix(1);
    assert.equal(refusedPhone.status, 503, refusedPhone.text);
    assert.deepEqual(refusedPhone.body, { error: 'InternalError', message: "the server's disk is full: nothing was stored; send it again later" });
    // REST reads still answer.
    assert.equal((await s.api('GET', '/api/v1/health')).status, 200);

    // Stored: exactly the acknowledged fixes; the log says why, once.
    const storedTimes = () => s.ctx.positions.range(van.pk, 0, Number.MAX_SAFE_INTEGER, 100_000).map((r) => r.device_time);
    assert.deepEqual(storedTimes(), [...acked].sort((a, b) => a - b).map((q) => fix(q).timestamp));
    assert.equal(s.ctx.positions.range(phone.pk, 0, Number.MAX_SAFE_INTEGER, 100).length, 1);
    const full = lines.filter((l) => /positions cannot be stored: the disk is full/.test(l.msg));
    assert.equal(full.length, 1, JSON.stringify(lines.filter((l) => l.level >= 50).map((l) => l.msg)));
    assert.equal(full[0]!.level, 50);
    assert.equal(lines.filter((l) => l.msg === 'request failed').length, 0, 'a full disk is not logged per request');

    // Space returns: the phones send the same fixes again and they are stored, once each.
    db.pragma('max_page_count = 1073741823');
    for (let q = refusedSeq; q < seq + 3; q++) {
      const answer = await sendFix(q);
      assert.equal(answer.type, 'ack', JSON.stringify(answer));
      acked.add(q);
    }
    assert.equal((await phoneFix(1)).status, 200);
    assert.ok(lines.some((l) => l.msg === 'positions are stored again'), 'lines.some((l) => l.msg === \'positions are stored again\')');
    const times = storedTimes();
    assert.equal(new Set(times).size, times.length, 'no fix stored twice');
    assert.deepEqual(times, [...acked].sort((a, b) => a - b).map((q) => fix(q).timestamp));
    assert.equal(s.ctx.positions.range(phone.pk, 0, Number.MAX_SAFE_INTEGER, 100).length, 2);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    ws.ws.close();
  } finally {
    await s.stop();
  }
});
