/** NumberMap (ingest/number-map.ts) answers like a Map<number, number> under any mix of operations. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NumberMap } from '../../main/server/ingest/number-map';

const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 400 }), value: fc.oneof(fc.double(), fc.constant(-Infinity), fc.integer()) }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 400 }) }),
);

test('NumberMap answers as a Map would, through growth and reused slots', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 2_000 }), (ops) => {
      const ours = new NumberMap();
      const map = new Map<number, number>();
      for (const o of ops) {
        if (o.kind === 'set') {
          ours.set(o.key, o.value);
          map.set(o.key, o.value);
        } else if (o.kind === 'delete') {
          assert.equal(ours.delete(o.key), map.delete(o.key));
        }
        assert.equal(ours.has(o.key), map.has(o.key));
        assert.equal(ours.get(o.key), map.get(o.key));
        assert.equal(ours.size, map.size);
      }
      for (const [k, v] of map) assert.equal(ours.get(k), v);
    }),
    { numRuns: 200 },
  );
});

test('a device time (ms since 1970) and -Infinity come back exactly', () => {
  const m = new NumberMap();
  m.set(7, 1_765_000_000_123).set(8, -Infinity);
  assert.equal(m.get(7), 1_765_000_000_123);
  assert.equal(m.get(8), -Infinity);
  assert.equal(m.get(9), undefined);
});
