/** The OwnTracks adapter alone: messages → reports, Basic credentials, tracker ids, friends. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignTids, basicCredentials, friendsReply, parseOwntracksBody as parseOwntracksBodyThrowing } from '../../main/server/ingest/owntracks-adapter';
import { orReason } from '../support/or-reason';
import { OWNTRACKS_ENCRYPTED_MESSAGE } from '../../shared/protocol/owntracks';

const parseOwntracksBody = orReason(parseOwntracksBodyThrowing);

const NOW = Date.UTC(2026, 0, 1);
const parse = (m: unknown) => parseOwntracksBody(typeof m === 'string' ? m : JSON.stringify(m), NOW);

test('location: vel km/h → m/s, cog, acc, alt, tst epoch s; batt, bs, conn → status', () => {
  const r = parse({ _type: 'location', lat: 53.430722, lon: 5.112126, tst: 1701263310, vel: 36, cog: 252, acc: 9, alt: 93, batt: 94, bs: 1, conn: 'w', tid: 'SG' });
  assert.deepEqual(r, {
    kind: 'location',
    report: {
      positions: [{ lat: 53.430722, lng: 5.112126, speed: 10, bearing: 252, accuracy: 9, altitude: 93, deviceTime: 1701263310000, serverTime: NOW }],
      status: { online: true, battery: 94, charging: false, connection: 'wifi' },
    },
  });
});

test('bs 2 and 3 mean on charge, 0 unknown; conn m/o; -1 values are unknown', () => {
  const status = (m: object) => (parse({ _type: 'location', lat: 1, lon: 2, tst: 1600000000, ...m }) as { report: { status: object } }).report.status;
  assert.deepEqual(status({ bs: 2, conn: 'm' }), { online: true, charging: true, connection: 'mobile' });
  assert.deepEqual(status({ bs: 3, conn: 'o' }), { online: true, charging: true, connection: 'offline' });
  assert.deepEqual(status({ bs: 0, batt: -1 }), { online: true });
  const r = parse({ _type: 'location', lat: 48.85833, lon: 2.29513, tst: 1441984413, cog: -1, vel: -1, acc: -1, alt: 0 }) as { report: { positions: object[] } };
  assert.deepEqual(r.report.positions[0], { lat: 48.85833, lng: 2.29513, speed: 0, bearing: 0, accuracy: null, altitude: 0, deviceTime: 1441984413000, serverTime: NOW });
});

test('a location without tst takes the arrival time', () => {
  const r = parse({ _type: 'location', lat: 1, lon: 2 }) as { report: { positions: { deviceTime: number }[] } };
  assert.equal(r.report.positions[0]!.deviceTime, NOW);
});

test('refused: bad JSON, missing or string lat, bad tst, encrypted, a non-object', () => {
  assert.equal(parse('{ "tst": 010 }'), 'the body is not valid JSON');
  assert.equal(parse({ _type: 'location' }), 'lat is missing');
  assert.equal(parse({ _type: 'location', lat: 1 }), 'lon is missing');
  assert.equal(parse({ _type: 'location', lat: '61.1', lon: 9 }), 'lat must be a number');
  assert.equal(parse({ _type: 'location', lat: 1, lon: 2, tst: '1700000000' }), 'tst must be a number (epoch seconds)');
  assert.equal(parse({ _type: 'encrypted', data: 'YWJjZGUK' }), OWNTRACKS_ENCRYPTED_MESSAGE);
  assert.match(OWNTRACKS_ENCRYPTED_MESSAGE, /turn off encryption in OwnTracks/);
  assert.equal(parse('42'), 'the body must be a JSON object (an OwnTracks message)');
});

test('lwt marks the device offline; transitions, other types, arrays, {} and empty bodies are ignored', () => {
  assert.deepEqual(parse({ _type: 'lwt', tst: 1699882482 }), { kind: 'lwt', report: { positions: [], status: { online: false } } });
  assert.deepEqual(parse({ _type: 'transition', event: 'enter', lat: 1, lon: 2, tst: 1 }), { kind: 'ignored', type: 'transition' });
  for (const t of ['waypoint', 'waypoints', 'card', 'status', 'steps', 'cmd', 'request', 'configuration']) assert.deepEqual(parse({ _type: t }), { kind: 'ignored', type: t });
  assert.deepEqual(parse([{ _type: 'location', lat: 1, lon: 2 }]), { kind: 'ignored', type: 'array' });
  assert.deepEqual(parse({}), { kind: 'ignored', type: 'no _type' });
  assert.deepEqual(parse(''), { kind: 'ignored', type: 'empty body' });
  assert.deepEqual(parse('  \n'), { kind: 'ignored', type: 'empty body' });
});

test('Basic credentials', () => {
  const b = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  assert.deepEqual(basicCredentials(b('alice:k:ey')), { user: 'alice', password: 'k:ey' });
  assert.deepEqual(basicCredentials(b(':key')), { user: '', password: 'key' });
  assert.equal(basicCredentials(b('nocolon')), null);
  assert.equal(basicCredentials('Bearer x'), null);
  assert.equal(basicCredentials(undefined), null);
});

test('tids: two characters, distinct, the same whoever asks and in whatever order', () => {
  const ids = ['alice', 'alex', 'al', 'a', 'Ann-Marie', 'bob', 'b0b', '++', 'álvaro'];
  const t = assignTids(ids);
  assert.equal(t.size, ids.length);
  assert.equal(new Set(t.values()).size, ids.length, 'distinct');
  for (const v of t.values()) assert.match(v, /^[a-z0-9]{2}$/);
  assert.deepEqual([...assignTids([...ids].reverse())].sort(), [...t].sort(), 'order does not matter');
  assert.equal(t.get('al'), 'al');
  assert.equal(t.get('alex'), 'ae', 'alex: "al" is taken, then first letter + later letters');
  const many = assignTids(Array.from({ length: 500 }, (_, i) => `driver-${i}`));
  assert.equal(new Set(many.values()).size, 500);
});

test('friends reply: a card and a location per other driver with a position, vel in whole km/h', () => {
  const latest = { lat: 48.1, lng: 11.5, speed: 13.9, bearing: 359.7, accuracy: 4.6, altitude: null, device_time: 1701263310999 };
  const reply = friendsReply('alice', [
    { user_id: 'alice', name: 'Alice', latest },
    { user_id: 'bob', name: 'Bob B.', latest },
    { user_id: 'carol', name: 'carol', latest: null },
  ]);
  const tid = assignTids(['alice', 'bob', 'carol']).get('bob');
  assert.deepEqual(reply, [
    { _type: 'card', tid, name: 'Bob B.', topic: 'owntracks/bob/fleetdesk' },
    { _type: 'location', tid, topic: 'owntracks/bob/fleetdesk', lat: 48.1, lon: 11.5, tst: 1701263310, vel: 50, cog: 0, acc: 5 },
  ]);
});
