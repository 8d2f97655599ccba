/**
 * A full disk (issue 16, item 5), made with SQLite's max_page_count on the server's own
 * connection: drivers and phones are told plainly that nothing was stored (Tracking API error
 * `Unavailable` with their seq, HTTP 503), the log says why once, nothing is acknowledged that
 * was not stored, and once there is room again the same fixes are stored, once each, with
 * integrity_check clean.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRefusalRig } from './storage-refusal-rig';

test('disk full: clear refusals over WebSocket and HTTP, one log line, nothing acked unstored; recovers when space returns', { timeout: 60_000 }, async () => {
  const { s, lines, ws, phone, fix, sendFix, phoneFix, storedTimes, resendAfterRecovery } = await startRefusalRig();
  try {
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
    assert.deepEqual(storedTimes(), [...acked].sort((a, b) => a - b).map((q) => fix(q).timestamp));
    assert.equal(s.ctx.positions.range(phone.pk, 0, Number.MAX_SAFE_INTEGER, 100).length, 1);
    const full = lines.filter((l) => /positions cannot be stored: the disk is full/.test(l.msg));
    assert.equal(full.length, 1, JSON.stringify(lines.filter((l) => l.level >= 50).map((l) => l.msg)));
    assert.equal(full[0]!.level, 50);
    assert.equal(lines.filter((l) => l.msg === 'request failed').length, 0, 'a full disk is not logged per request');

    // Space returns: the phones send the same fixes again and they are stored, once each.
    db.pragma('max_page_count = 1073741823');
    await resendAfterRecovery(refusedSeq, seq + 3, acked);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    ws.ws.close();
  } finally {
    await s.stop();
  }
});
