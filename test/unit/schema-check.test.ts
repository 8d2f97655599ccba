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
const problemOf = (r: ReturnType<typeof check.parse>) => ('problem' in r ? r.problem : null);
const detailOf = (r: ReturnType<typeof check.parse>) => ('detail' in r ? r.detail : null);

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
  assert.equal(problemOf(check.parse({ name: 'a', payload: { lat: 'x' } }, { root: 'body' })), 'body/payload/lat must be number');
  assert.equal(problemOf(check.parse({}, { root: 'body' })), 'body/name is required');
  assert.equal(problemOf(check.parse('text', { root: 'body' })), 'body must be object');
});

test('text parts are converted to the schema types and defaults filled; the input is left as it was', () => {
  const query = { name: 'a', limit: '7', tags: 'x', on: 'true' };
  assert.deepEqual(check.parse(query, { text: true, defaults: true }), { value: { name: 'a', limit: 7, tags: ['x'], on: true } });
  assert.deepEqual(query, { name: 'a', limit: '7', tags: 'x', on: 'true' });
  assert.deepEqual(check.parse({ name: 'a' }, { defaults: true }), { value: { name: 'a', limit: 20 } });
  // A JSON body is not converted: "7" stays a string and is refused.
  assert.equal(problemOf(check.parse({ name: 'a', limit: '7' })), 'limit must be integer');
  assert.equal(problemOf(check.parse({ name: 'a', limit: 'seven' }, { text: true, root: 'querystring' })), 'querystring/limit must be integer');
});

test('the first problem as data: the part, the field, the rule and the field\'s limits', () => {
  assert.deepEqual(detailOf(check.parse({ name: 'a', payload: { lat: 91 } }, { root: 'body' })), { in: 'body', field: 'payload.lat', rule: 'maximum', minimum: -90, maximum: 90 });
  assert.deepEqual(detailOf(check.parse({}, { root: 'body' })), { in: 'body', field: 'name', rule: 'required', min_length: 1 });
  assert.deepEqual(detailOf(check.parse({ name: 'a', kind: 'bus' })), { in: '', field: 'kind', rule: 'choice', choices: ['car', 'van'] });
  assert.deepEqual(detailOf(check.parse({ name: 'a', colour: 'red' })), { in: '', field: 'colour', rule: 'unknown_field' });
  assert.deepEqual(detailOf(check.parse({ name: 'a', limit: 'seven' }, { text: true, root: 'querystring' })), { in: 'querystring', field: 'limit', rule: 'type', expected: 'integer', minimum: 1, maximum: 100 });
  assert.deepEqual(detailOf(check.parse({ name: '' })), { in: '', field: 'name', rule: 'min_length', min_length: 1 });
});
