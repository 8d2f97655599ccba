import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'typebox';
import { schemaCheck } from '../../shared/schema-check';

const Body = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    kind: Type.Optional(Type.Union([Type.Literal('car'), Type.Literal('van')])),
    payload: Type.Optional(Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }) })),
    tags: Type.Optional(Type.Array(Type.String())),
    on: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const check = schemaCheck(Body);

test('one readable phrase for the first thing wrong', () => {
  assert.equal(check.problem({ name: 'a' }), null);
  assert.equal(check.problem({}), 'name is required');
  assert.equal(check.problem({ name: 3 }), 'name must be string');
  assert.equal(check.problem({ name: 'a', payload: { lat: 91 } }), 'payload.lat must be <= 90');
  assert.equal(check.problem({ name: 'a', payload: {} }), 'payload.lat is required');
  assert.equal(check.problem({ name: 'a', kind: 'bus' }), 'kind must be one of "car", "van"');
  assert.equal(check.problem({ name: 'a', colour: 'red' }), 'colour is not an accepted field (additional properties are not allowed)');
  assert.equal(check.problem(null), 'must be object');
  assert.equal(check.check({ name: 'a' }), true);
  assert.equal(check.check({ name: '' }), false);
});

test('REST names the place from the request part, with slashes', () => {
  assert.deepEqual(check.parse({ name: 'a', payload: { lat: 'x' } }, { root: 'body' }), { problem: 'body/payload/lat must be number' });
  assert.deepEqual(check.parse({}, { root: 'body' }), { problem: 'body/name is required' });
  assert.deepEqual(check.parse('text', { root: 'body' }), { problem: 'body must be object' });
});

test('text parts are converted to the schema types and defaults filled; the input is left as it was', () => {
  const query = { name: 'a', limit: '7', tags: 'x', on: 'true' };
  assert.deepEqual(check.parse(query, { text: true, defaults: true }), { value: { name: 'a', limit: 7, tags: ['x'], on: true } });
  assert.deepEqual(query, { name: 'a', limit: '7', tags: 'x', on: 'true' });
  assert.deepEqual(check.parse({ name: 'a' }, { defaults: true }), { value: { name: 'a', limit: 20 } });
  // A JSON body is not converted: "7" stays a string and is refused.
  assert.deepEqual(check.parse({ name: 'a', limit: '7' }), { problem: 'limit must be integer' });
  assert.deepEqual(check.parse({ name: 'a', limit: 'seven' }, { text: true, root: 'querystring' }), { problem: 'querystring/limit must be integer' });
});
