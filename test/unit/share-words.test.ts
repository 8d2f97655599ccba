/**
 * The plain words of live location sharing: the public page's ETA, ages and distances, its
 * token from the path, and the console's share and share-settings forms turning what was typed
 * into a request (or a sentence saying what to fix).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SHARE_CONFIG, DEFAULT_SHARE_SETTINGS } from '../../shared/api/shares';
import { distance, etaDuration, statusText, updatedAgo } from '../../renderer/src/share/share-format';
import { shareToken } from '../../renderer/src/share/share-token';
import { draftToRequest, emptyDraft, parseCoords } from '../../renderer/src/components/shares/share-draft';
import { fieldsToChanges, toFields } from '../../renderer/src/components/settings/share-settings-form';

test('ETA, update age and distance in words', () => {
  assert.equal(etaDuration(20), 'less than a minute');
  assert.equal(etaDuration(12 * 60 + 10), 'about 12 min');
  assert.equal(etaDuration(60 * 60), 'about 1 h');
  assert.equal(etaDuration(80 * 60), 'about 1 h 20 min');
  assert.equal(updatedAgo(2000), 'just now');
  assert.equal(updatedAgo(12_000), '12 s ago');
  assert.equal(updatedAgo(3 * 60_000), '3 min ago');
  assert.equal(updatedAgo(-5000), 'just now', "a viewer's clock behind the phone's");
  assert.equal(distance(347), '350 m');
  assert.equal(distance(4230), '4.2 km');
  assert.equal(distance(18_400), '18 km');
});

test('every status has a banner; ended ones say so without the driver', () => {
  for (const s of ['active', 'arriving', 'arrived', 'completed', 'cancelled', 'expired'] as const) {
    const t = statusText(s, 'Van 1');
    assert.ok(t.title && t.detail, s);
  }
  assert.equal(statusText('arriving', null).title, 'Almost there');
  assert.equal(statusText('completed', 'Van 1').title, 'Delivered');
  assert.match(statusText('active', null).detail, /^Your driver/);
});

test('the token comes from /s/{token} only', () => {
  assert.equal(shareToken('/s/abc_DEF-123'), 'abc_DEF-123');
  assert.equal(shareToken('/s/abc_DEF-123/'), 'abc_DEF-123');
  for (const bad of ['/', '/s/', '/s/a/b', '/s/..%2f', "/s/' OR 1=1", `/s/${'a'.repeat(201)}`]) assert.equal(shareToken(bad), null, bad);
});

test('the share form: coordinates typed or picked, empty fields as null, problems in words', () => {
  assert.deepEqual(parseCoords('48.13743, 11.57549'), { lat: 48.13743, lng: 11.57549 });
  assert.deepEqual(parseCoords(' -33.9 ; 151.2 '), { lat: -33.9, lng: 151.2 });
  assert.equal(parseCoords('91, 0'), null);
  assert.equal(parseCoords('Marienplatz'), null);

  const draft = { ...emptyDraft(), recipient: ' Maria ', coords: '48.1, 11.5', label: 'Home', hours: 8 };
  assert.deepEqual(draftToRequest('DR_1', draft), {
    body: {
      device_id: 'DR_1',
      expires_in_hours: 8,
      recipient_name: 'Maria',
      order_id: null,
      notes: null,
      destination: { latitude: 48.1, longitude: 11.5, label: 'Home' },
      share_config: DEFAULT_SHARE_CONFIG,
    },
  });
  assert.match((draftToRequest('DR_1', { ...draft, coords: 'here' }) as { problem: string }).problem, /latitude, longitude/);
  assert.match((draftToRequest('DR_1', { ...draft, coords: '' }) as { problem: string }).problem, /coordinates too/);
});

test('the share settings form: only changes are sent, limits from the shared schema, addresses checked', () => {
  const f = toFields(DEFAULT_SHARE_SETTINGS);
  assert.deepEqual(fieldsToChanges(f, DEFAULT_SHARE_SETTINGS), { changes: {} });
  assert.deepEqual(fieldsToChanges({ ...f, public_base_url: 'https://track.example.com/', auto_complete_after_min: '' }, DEFAULT_SHARE_SETTINGS), {
    changes: { public_base_url: 'https://track.example.com', auto_complete_after_min: null },
  });
  const problem = (x: Partial<typeof f>) => (fieldsToChanges({ ...f, ...x }, DEFAULT_SHARE_SETTINGS) as { problem: string }).problem;
  assert.equal(problem({ arrived_radius_m: '5000' }), 'Arrived within must be between 20 and 2,000 m.');
  assert.equal((fieldsToChanges({ ...f, arrived_radius_m: '5000' }, DEFAULT_SHARE_SETTINGS) as { field: string }).field, 'arrived_radius_m');
  assert.equal(problem({ arriving_distance_m: '200', arrived_radius_m: '500' }), '“Arrived within” must not be larger than “Almost there within”.');
  assert.match(problem({ public_base_url: 'track.example.com' }), /must start with http/);
  assert.match(problem({ frame_origins: 'https://shop.example.com/embed' }), /no path/);
  assert.match(problem({ position_decimals: '3.5' }), /whole number/);
});
