import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slugify } from '../../main/server/store/companies';
import { ID_REGEX } from '../../shared/ids';

test('slugify turns company names into readable ids', () => {
  assert.equal(slugify('Acme Logistics'), 'acme-logistics');
  assert.equal(slugify('  Acme   Logistics  '), 'acme-logistics');
  assert.equal(slugify('Café Crème & Co.'), 'cafe-creme-co');
  assert.equal(slugify('Åbo Åkeri'), 'abo-akeri');
  assert.equal(slugify('ACME_2000 (EU)'), 'acme-2000-eu');
  assert.equal(slugify('--a--'), 'a');
});

test('slugify falls back to "company" when nothing usable is left', () => {
  assert.equal(slugify(''), 'company');
  assert.equal(slugify('!!!'), 'company');
  assert.equal(slugify('東京運輸'), 'company');
});

test('slugify output is at most 48 characters and a valid id', () => {
  const long = slugify('Very '.repeat(40));
  assert.ok(long.length <= 48, 'long.length <= 48');
  for (const name of ['Acme Logistics', 'Very '.repeat(40), 'Café', '!!!', '9 Lives']) assert.match(slugify(name), ID_REGEX, name);
});
