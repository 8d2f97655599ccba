/**
 * The data folder turning read-only under a running server (issue 16, item 5), made with Linux's
 * immutable flag on the folder and its open files (test/support/immutable.ts: a write through an
 * open file then fails, as on a file system remounted read-only, which Linux itself refuses
 * while the files are open). Drivers and phones are told plainly that nothing was stored
 * (`Unavailable` with their seq, HTTP 503), the log says why once, nothing is acknowledged that
 * was not stored, reads still answer, and once the folder is writable again the same fixes are
 * stored, once each, the checkpoint thread still runs and integrity_check is clean.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqliteStorage } from '../../main/server/store/storage';
import { canFreeze, freeze, thaw } from '../support/immutable';
import { tempDir } from '../support/server';
import { startRefusalRig } from './storage-refusal-rig';

const dataDir = tempDir('fleetdesk-frozen-');
const frozenOk = canFreeze(dataDir);

test('the data folder turns read-only under a running server: clear refusals, one log line, nothing acked unstored; recovers when writable again', { skip: frozenOk ? false : 'needs root and a file system with the immutable flag (chattr +i)', timeout: 60_000 }, async () => {
  const { s, lines, ws, van, sendFix, phoneFix, resendAfterRecovery } = await startRefusalRig({ dataDir });
  try {
    const checkpoints = (s.ctx.storage as SqliteStorage).checkpoints!;
    await checkpoints.passes(1);

    const acked = new Set<number>();
    for (let seq = 0; seq < 5; seq++) {
      assert.equal((await sendFix(seq)).type, 'ack');
      acked.add(seq);
    }
    assert.equal((await phoneFix(0)).status, 200);

    freeze(s.dataDir);
    let refusal: any = null;
    let seq = 5;
    try {
      for (; seq < 50 && !refusal; seq++) {
        const answer = await sendFix(seq);
        if (answer.type === 'ack') acked.add(seq);
        else refusal = answer;
      }
      assert.ok(refusal, 'the server refused a fix once its folder was read-only');
      assert.equal(refusal.error, 'Unavailable');
      assert.equal(refusal.message, 'the server cannot write to its data folder: nothing was stored; send it again later');
      for (let k = 0; k < 3; k++) {
        const again = await sendFix(seq + k);
        assert.equal(again.type, 'error');
        assert.equal(again.error, 'Unavailable');
      }
      const refusedPhone = await phoneFix(1);
      assert.equal(refusedPhone.status, 503, refusedPhone.text);
      assert.deepEqual(refusedPhone.body, { error: 'InternalError', message: 'the server cannot write to its data folder: nothing was stored; send it again later' });
      // Reads still answer, from what is stored.
      assert.equal((await s.api('GET', '/api/v1/health')).status, 200);
      assert.equal(s.ctx.positions.range(van.pk, 0, Number.MAX_SAFE_INTEGER, 100).length, acked.size);
    } finally {
      thaw(s.dataDir);
    }
    const refusedSeq = refusal.seq as number;
    const cannot = lines.filter((l) => /positions cannot be stored: the database cannot be written/.test(l.msg));
    assert.equal(cannot.length, 1, JSON.stringify(lines.filter((l) => l.level >= 40).map((l) => l.msg)));
    assert.equal(cannot[0]!.level, 50);
    assert.equal(lines.filter((l) => l.msg === 'request failed').length, 0, 'a read-only folder is not logged per request');

    // Writable again: the phones send the same fixes again; stored once each.
    await resendAfterRecovery(refusedSeq, seq + 3, acked);

    // The checkpoint thread outlived it and copies the WAL again.
    const passes = checkpoints.progress().passes;
    checkpoints.wake();
    await checkpoints.passes(passes + 1);
    const progress = checkpoints.progress();
    assert.equal(progress.running, true);
    assert.equal(progress.stalled, false);
    assert.equal(lines.filter((l) => /checkpoint thread stopped/.test(l.msg)).length, 0);
    assert.equal(s.ctx.db.pragma('integrity_check', { simple: true }), 'ok');
    ws.ws.close();
  } finally {
    thaw(s.dataDir);
    await s.stop();
  }
});
