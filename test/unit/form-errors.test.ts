/** The console's one wording of refused requests (renderer/src/lib/form-errors.ts): never the server's sentence. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../renderer/src/api/client';
import { fieldSentence, formErrors, problemText } from '../../renderer/src/lib/form-errors';

const specs = { stop_radius_m: { label: 'Stop radius', unit: 'm' }, id: { label: 'User id' }, display_name: { label: 'Display name' } };

test('a refused field becomes its own sentence from the limits the server sent', () => {
  const err = new ApiError(400, 'BadRequest', 'body/stop_radius_m must be >= 20', null, [{ in: 'body', field: 'stop_radius_m', rule: 'minimum', minimum: 20, maximum: 2000 }]);
  assert.deepEqual(formErrors(err, specs), { fields: { stop_radius_m: 'Stop radius must be between 20 and 2,000 m.' }, general: null });
  assert.equal(fieldSentence(specs.display_name, { rule: 'pattern', min_length: 1, max_length: 200 }), 'Display name can’t be empty.');
  assert.equal(fieldSentence(specs.id, { rule: 'required' }), 'Enter the user id.');
  assert.equal(fieldSentence(specs.stop_radius_m, { rule: 'type', expected: 'number', minimum: 20, maximum: 2000 }), 'Stop radius must be a number between 20 and 2,000 m.');
});

test('a known error name is the form\'s sentence; an unknown field or kind a plain generic one, never the server\'s', () => {
  const dup = new ApiError(409, 'Conflict', 'user "van-01" already exists in company "demo"');
  assert.deepEqual(formErrors(dup, specs, { Conflict: { field: 'id', text: 'A user named van-01 already exists. Choose another name.' } }).fields, { id: 'A user named van-01 already exists. Choose another name.' });
  const odd = new ApiError(400, 'BadRequest', 'body/colour is not an accepted field', null, [{ in: 'body', field: 'colour', rule: 'unknown_field' }]);
  const general = formErrors(odd, specs).general ?? '';
  assert.doesNotMatch(general, /body\/|colour|accepted field/);
  assert.match(general, /refused/);
  for (const text of [problemText(dup), problemText(new ApiError(500, 'InternalError', 'internal error; see the server log')), problemText(new Error('x'))]) {
    assert.doesNotMatch(text, /"|server log|van-01/);
  }
});
