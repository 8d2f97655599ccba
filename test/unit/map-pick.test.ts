/** renderer/src/map/map-pick.ts: when a map click is the answer to a pick rather than a selection, on a clock the test sets. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mapPick } from '../../renderer/src/map/map-pick';

const realNow = performance.now.bind(performance);
let now = 0;
performance.now = () => now;
after(() => {
  performance.now = realNow;
});

test('a page just opened (performance.now() near 0) has had no pick: its clicks select', () => {
  now = 50;
  assert.equal(mapPick.claimsClicks(), false, 'no pick yet: a click 50 ms after the page opened is a selection');
});

test('clicks are the pick while one is asked for and for 0.4 s after its answer, then select again', async () => {
  now = 10_000;
  const picked = mapPick.request();
  assert.equal(mapPick.active(), true, 'a pick is under way');
  assert.equal(mapPick.claimsClicks(), true, 'while picking, a click is the pick');
  mapPick.answer({ lat: 48.1, lng: 11.5 });
  assert.deepEqual(await picked, { lat: 48.1, lng: 11.5 });
  now = 10_399;
  assert.equal(mapPick.claimsClicks(), true, 'just after the answer the same click is still the pick');
  now = 10_401;
  assert.equal(mapPick.claimsClicks(), false, 'after 0.4 s a click selects again');
});

test('a newer request cancels the one before it (null), and answering null cancels', async () => {
  now = 20_000;
  const first = mapPick.request();
  const second = mapPick.request();
  assert.equal(await first, null, 'the first request is cancelled by the second');
  mapPick.answer(null);
  assert.equal(await second, null, 'a cancelled pick answers null');
  assert.equal(mapPick.active(), false, 'nothing is picked any more');
});
