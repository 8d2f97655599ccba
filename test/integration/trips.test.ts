/**
 * Trips over a real server: synthetic drives and two real recorded ones sent through the
 * WebSocket location_batch path, detected on the ingest stream, recorded with their events,
 * and read back over REST (list, raw and processed tracks, GPX/GeoJSON/CSV exports, the event
 * log) with a session or a company API key. Real drives:
 * shared/realworld/traces/barefoot-munich-x0001-001.json and
 * shared/realworld/traces/gpxpy-around-visnjan-with-car.gpx.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { IncomingTrack, RichTrack, TripSummary } from '../../shared/api/trips';
import type { LoggedEvent } from '../../shared/api/events';
import type { RawFix } from '../../main/server/trips/process';
import { startTestServer, type TestServer } from '../support/server';
import { Trace, munichTrace, visnjanTrace } from '../support/synthetic-trips';
import { TestSocket } from '../support/ws-client';

const C = 'acme';
let s: TestServer;
let boss: string;
/** midnight UTC two days ago: the synthetic drives happen then */
const DAY = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
const period = (from: number, days = 1) => `from=${new Date(from).toISOString()}&to=${new Date(from + days * 86_400_000).toISOString()}`;

before(async () => {
  s = await startTestServer();
  s.company(C);
  s.company('globex');
  await s.user(C, 'boss', 'admin');
  await s.user(C, 'clerk', 'office');
  await s.user('globex', 'gboss', 'admin');
  boss = s.token(C, 'boss');
});
after(() => s.stop());

/** Sends the fixes as location_batch messages of `chunk` fixes, each acked after commit; then waits for recorded trips. */
async function send(driver: string, fixes: RawFix[], chunk = 200): Promise<void> {
  if (!s.ctx.users.get(C, driver)) await s.user(C, driver, 'driver');
  const sock = await TestSocket.open(s.wsUrl);
  try {
    assert.equal((await sock.authenticate(driver, 'driver', s.token(C, driver))).type, 'authenticated');
    for (let i = 0, seq = 1; i < fixes.length; i += chunk, seq++) {
      const positions = fixes.slice(i, i + chunk).map((f) => ({
        lat: f.lat,
        lng: f.lng,
        speed: f.speed * 3.6,
        bearing: f.bearing,
        timestamp: f.t,
        ...(f.accuracy === null ? {} : { accuracy: f.accuracy }),
        ...(f.altitude === null ? {} : { altitude: f.altitude }),
      }));
      sock.send({ action: 'location_batch', id: driver, seq, payload: { positions } });
      assert.deepEqual(await sock.next((m) => m.type === 'ack' || m.type === 'error', 10_000), { type: 'ack', seq });
    }
  } finally {
    sock.ws.terminate();
  }
  await s.ctx.trips.idle();
}

const trips = async (driver: string, query = period(DAY, 2)) => {
  const r = await s.api('GET', `/api/v1/devices/${driver}/trips?${query}`, { token: boss });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as TripSummary[];
};
const eventsOf = async (driver: string) => ((await s.api('GET', '/api/v1/events?limit=1000', { token: boss })).body as LoggedEvent[]).filter((e) => e.device_id === driver);

/** park, drive `driveS` at 15 m/s, stop `stopS`, drive again, park */
function drive(t0: number, stopS: number | null, driveS = 300): Trace {
  const tr = new Trace(undefined, t0).stand(120).accelerate(15, 2).drive(driveS, 15).accelerate(0, -2.5);
  if (stopS !== null) tr.stand(stopS).accelerate(15, 2).drive(driveS, 15).accelerate(0, -2.5);
  return tr.stand(400);
}

let firstRich: RichTrack;

test('a drive sent by location_batch becomes one trip: list, processed and raw track, events in order', async () => {
  const tr = drive(DAY + 8 * 3600_000, null);
  await send('van1', tr.fixes);
  const list = await trips('van1');
  assert.equal(list.length, 1);
  const sum = list[0] as TripSummary;
  assert.equal(sum.kind, 'rich');
  assert.ok(Math.abs(sum.distance_m - tr.truth) / tr.truth < 0.01, `${sum.distance_m} vs ${tr.truth}`);
  assert.ok(sum.score !== null && sum.score >= 0 && sum.score <= 100, 'sum.score !== null && sum.score >= 0 && sum.score <= 100');
  const rich = await s.api('GET', `/api/v1/tracks/rich/${sum.id}`, { token: boss });
  assert.equal(rich.status, 200);
  firstRich = rich.body as RichTrack;
  assert.equal(firstRich.type, 'RichTrack');
  assert.equal(firstRich.replaced_by, null);
  assert.equal(firstRich.geometry.geometry.type, 'LineString');
  assert.equal(firstRich.geometry.properties.times.length, firstRich.geometry.geometry.coordinates.length);
  assert.match(firstRich.score_formula, /score = clamp/);
  const inc = await s.api('GET', `/api/v1/tracks/incoming/${sum.incoming_ids[0]}`, { token: boss });
  assert.equal(inc.status, 200);
  const raw = inc.body as IncomingTrack;
  assert.equal(raw.type, 'IncomingTrack');
  assert.equal(raw.end_reason, 'stop');
  assert.equal(raw.positions.length, raw.fix_count);
  assert.ok(raw.positions.every((p) => !p.flagged), 'raw.positions.every((p) => !p.flagged)');
  const ev = await eventsOf('van1');
  assert.deepEqual(
    ev.map((e) => e.event),
    ['IncomingTrackReceived', 'TrackEnrichmentFinished'],
  );
  assert.deepEqual(ev[0]!.object, { id: raw.id, type: 'IncomingTrack', path: `/api/v1/tracks/incoming/${raw.id}` });
  assert.deepEqual(ev[0]!.details, { TrackStartDate: raw.start, TrackFinishDate: raw.end });
  assert.deepEqual(ev[1]!.details, { ObjectReplaced: false, TracksRemoved: [] });
  assert.equal(ev[1]!.object.id, firstRich.id);
});

test('exports: GPX 1.1, GeoJSON and CSV with content type and file name', async () => {
  const id = firstRich.id;
  const n = firstRich.geometry.geometry.coordinates.length;
  const gpx = await s.api('GET', `/api/v1/tracks/rich/${id}/export?format=gpx`, { token: boss });
  assert.equal(gpx.status, 200);
  assert.match(gpx.headers.get('content-type')!, /^application\/gpx\+xml/);
  assert.match(gpx.headers.get('content-disposition')!, /^attachment; filename="rich-track-van1-[\w-]+\.gpx"$/);
  const xml = gpx.body as string;
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<gpx version="1.1" creator="FleetDesk" xmlns="http:\/\/www.topografix.com\/GPX\/1\/1"/);
  const pts = [...xml.matchAll(/<trkpt lat="(-?[\d.]+)" lon="(-?[\d.]+)">(?:<ele>[-\d.]+<\/ele>)?<time>([^<]+)<\/time><extensions><fd:speed>([\d.]+)<\/fd:speed>/g)];
  assert.equal(pts.length, n);
  assert.equal(pts[0]![3], firstRich.geometry.properties.times[0]);
  assert.ok(xml.trimEnd().endsWith('</gpx>') && (xml.match(/<trkpt /g) ?? []).length === (xml.match(/<\/trkpt>/g) ?? []).length, 'xml.trimEnd().endsWith(\'</gpx>\') && (xml.match(/<trkpt /g) ?? []).length === (xml.match(/<\\/trkpt>/g) ?? []…');
  const geo = await s.api('GET', `/api/v1/tracks/rich/${id}/export?format=geojson`, { token: boss });
  assert.match(geo.headers.get('content-type')!, /^application\/geo\+json/);
  assert.match(geo.headers.get('content-disposition')!, /\.geojson"$/);
  assert.equal(geo.body.type, 'FeatureCollection');
  assert.equal(geo.body.features[0].geometry.type, 'LineString');
  assert.equal(geo.body.features[0].geometry.coordinates.length, n);
  const csv = await s.api('GET', `/api/v1/tracks/rich/${id}/export?format=csv`, { token: boss });
  assert.match(csv.headers.get('content-type')!, /^text\/csv/);
  const rows = (csv.body as string).trimEnd().split('\r\n');
  assert.equal(rows[0], 'time,lat,lng,altitude_m,speed_m_s,speed_km_h,bearing_deg,accuracy_m,flagged');
  assert.equal(rows.length, n + 1);
  assert.equal(rows[1]!.split(',')[0], firstRich.geometry.properties.times[0]);
  const inc = await s.api('GET', `/api/v1/tracks/incoming/${firstRich.summary.incoming_ids[0]}/export?format=csv`, { token: boss });
  assert.equal(inc.status, 200);
  assert.match(inc.headers.get('content-disposition')!, /filename="incoming-track-van1-/);
  const bad = await s.api('GET', `/api/v1/tracks/rich/${id}/export?format=kml`, { token: boss });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error, 'BadRequest');
});

test('a 4-minute stop: two raw tracks merged into one RichTrack that replaces the first', async () => {
  await send('van2', drive(DAY + 9 * 3600_000, 240).fixes);
  const list = await trips('van2');
  assert.equal(list.length, 1);
  assert.equal(list[0]!.incoming_ids.length, 2);
  const ev = await eventsOf('van2');
  assert.deepEqual(
    ev.map((e) => e.event),
    ['IncomingTrackReceived', 'TrackEnrichmentFinished', 'IncomingTrackReceived', 'TrackEnrichmentFinished'],
  );
  const firstId = ev[1]!.object.id;
  assert.deepEqual(ev[3]!.details, { ObjectReplaced: true, TracksRemoved: [{ Id: firstId, Type: 'RichTrack' }] });
  assert.equal(ev[3]!.object.id, list[0]!.id);
  const old = await s.api('GET', `/api/v1/tracks/rich/${firstId}`, { token: boss });
  assert.equal(old.status, 200);
  assert.equal(old.body.replaced_by, list[0]!.id);
  assert.ok(list[0]!.idle_s >= 240 && list[0]!.duration_s > 840, 'list[0]!.idle_s >= 240 && list[0]!.duration_s > 840');
  // a 10-minute stop: two trips
  await send('van2b', drive(DAY + 9 * 3600_000, 600).fixes);
  assert.equal((await trips('van2b')).length, 2);
});

test('a short move is kept as a removed raw track with its reason', async () => {
  const tr = new Trace(undefined, DAY + 10 * 3600_000).stand(120).accelerate(8, 2).drive(22, 8).accelerate(0, -2).stand(400);
  await send('van3', tr.fixes);
  const ev = await eventsOf('van3');
  assert.deepEqual(
    ev.map((e) => [e.event, e.object.type, e.details.Reason]),
    [['IncomingTrackRemoved', 'IncomingTrackSummary', 'Insufficient track length']],
  );
  const list = await trips('van3');
  assert.deepEqual(
    list.map((t) => [t.kind, t.reason, t.score]),
    [['removed', 'Insufficient track length', null]],
  );
  assert.deepEqual(await trips('van3', `${period(DAY, 2)}&removed=false`), []);
  const inc = await s.api('GET', `/api/v1/tracks/incoming/${list[0]!.id}`, { token: boss });
  assert.equal(inc.body.type, 'IncomingTrackSummary');
  assert.equal(inc.body.status, 'removed');
});

test('replay determinism: the same fixes one by one give the same trips as in bursts', async () => {
  const tr = drive(DAY + 11 * 3600_000, 240);
  await send('van4a', tr.fixes, 200);
  await send('van4b', tr.fixes, 1);
  const strip = (l: TripSummary[]) => l.map(({ id: _id, device_id: _d, incoming_ids: _i, ...rest }) => rest);
  assert.deepEqual(strip(await trips('van4b')), strip(await trips('van4a')));
});

test('the sweep ends the trip of a device that went silent while driving', async () => {
  const tr = new Trace(undefined, DAY + 12 * 3600_000).stand(60).accelerate(15, 2).drive(300, 15);
  await send('van5', tr.fixes);
  assert.equal(s.ctx.trips.moving(s.ctx.users.get(C, 'van5')!.pk), true);
  assert.equal(s.ctx.trips.sweep(Date.now() + 14 * 60_000), 0, 'not silent for gap_split_s yet');
  s.ctx.trips.sweep(Date.now() + 16 * 60_000);
  await s.ctx.trips.idle();
  const list = await trips('van5');
  assert.equal(list.length, 1);
  const inc = await s.api('GET', `/api/v1/tracks/incoming/${list[0]!.incoming_ids[0]}`, { token: boss });
  assert.equal(inc.body.end_reason, 'sweep');
});

test('real drive replayed: barefoot Munich x0001-001 is one trip of ~13.6 km, ~20 min, its 470 m jump flagged and left out', async () => {
  // shared/realworld/traces/barefoot-munich-x0001-001.json — 1 Hz, no speeds in the file
  const fixes = munichTrace();
  await send('munich', fixes);
  s.ctx.trips.sweep(Date.now() + 16 * 60_000);
  await s.ctx.trips.idle();
  const list = await trips('munich', period(Date.UTC(2014, 8, 10)));
  assert.equal(list.length, 1, 'the nine traffic-light stops are inside the trip');
  const t = list[0]!;
  assert.ok(Math.abs(t.distance_m - 13_600) / 13_600 < 0.03, `distance ${t.distance_m}`);
  assert.ok(t.duration_s > 19 * 60 && t.duration_s < 20 * 60, `duration ${t.duration_s}`);
  assert.ok(t.max_speed > 20 && t.max_speed < 40, `max ${t.max_speed}`);
  const raw = (await s.api('GET', `/api/v1/tracks/incoming/${t.incoming_ids[0]}`, { token: boss })).body as IncomingTrack;
  assert.equal(raw.positions.filter((p) => p.flagged).length, 1, 'the 470 m jump');
  const rich = (await s.api('GET', `/api/v1/tracks/rich/${t.id}`, { token: boss })).body as RichTrack;
  const flagged = raw.positions.find((p) => p.flagged)!;
  assert.ok(!rich.geometry.properties.times.includes(flagged.device_time), '!rich.geometry.properties.times.includes(flagged.device_time)');
  assert.ok(rich.stops.length >= 1 && rich.stops.length <= 9, 'rich.stops.length >= 1 && rich.stops.length <= 9');
});

test('real drive replayed: gpxpy Višnjan is one trip of ~2.7 km', async () => {
  // shared/realworld/traces/gpxpy-around-visnjan-with-car.gpx — Garmin eTrex 20x
  await send('visnjan', visnjanTrace());
  s.ctx.trips.sweep(Date.now() + 16 * 60_000);
  await s.ctx.trips.idle();
  const list = await trips('visnjan', period(Date.UTC(2020, 11, 18)));
  assert.equal(list.length, 1);
  assert.ok(Math.abs(list[0]!.distance_m - 2700) / 2700 < 0.05, `distance ${list[0]!.distance_m}`);
});

test('API keys: X-API-Key reads the datasets; a wrong key is 401; another company sees 404', async () => {
  const { key } = s.ctx.apiKeys.create(C, 'backend');
  const ok = await s.api('GET', `/api/v1/tracks/rich/${firstRich.id}`, { headers: { 'x-api-key': key } });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.id, firstRich.id);
  const ev = await s.api('GET', '/api/v1/events?after=0&limit=2', { headers: { 'x-api-key': key } });
  assert.equal(ev.status, 200);
  assert.equal(ev.body.length, 2);
  const page2 = await s.api('GET', `/api/v1/events?after=${ev.body[1].id}&limit=1`, { headers: { 'x-api-key': key } });
  assert.ok(page2.body[0].id > ev.body[1].id, 'page2.body[0].id > ev.body[1].id');
  const wrong = await s.api('GET', `/api/v1/tracks/rich/${firstRich.id}`, { headers: { 'x-api-key': 'fdk_nope' } });
  assert.equal(wrong.status, 401);
  const other = s.ctx.apiKeys.create('globex', 'theirs');
  for (const path of [`/api/v1/tracks/rich/${firstRich.id}`, `/api/v1/tracks/incoming/${firstRich.summary.incoming_ids[0]}`, `/api/v1/tracks/rich/${firstRich.id}/export?format=gpx`, `/api/v1/devices/van1/trips`]) {
    const r = await s.api('GET', path, { headers: { 'x-api-key': other.key } });
    assert.equal(r.status, 404, path);
  }
  assert.deepEqual((await s.api('GET', '/api/v1/events', { headers: { 'x-api-key': other.key } })).body, []);
  assert.equal((await s.api('GET', `/api/v1/tracks/rich/${firstRich.id}`, { token: s.token(C, 'clerk') })).status, 200);
  assert.equal((await s.api('GET', `/api/v1/tracks/rich/${firstRich.id}`)).status, 401);
});

test('bad inputs: dates, ids, formats', async () => {
  const bad = async (path: string, status: number) => {
    const r = await s.api('GET', path, { token: boss });
    assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
    assert.equal(typeof r.body.message, 'string');
  };
  await bad('/api/v1/devices/van1/trips?from=yesterday', 400);
  await bad('/api/v1/devices/van1/trips?from=2026-13-45T00:00:00Z', 400);
  await bad(`/api/v1/devices/van1/trips?from=${new Date(DAY).toISOString()}&to=${new Date(DAY - 1000).toISOString()}`, 400);
  await bad('/api/v1/devices/van1/trips?removed=maybe', 400);
  await bad('/api/v1/devices/nobody/trips', 404);
  await bad('/api/v1/tracks/rich/00000000-0000-0000-0000-000000000000', 404);
  await bad('/api/v1/tracks/incoming/nope', 404);
  await bad('/api/v1/tracks/incoming/nope/export?format=gpx', 404);
  await bad(`/api/v1/tracks/incoming/${firstRich.summary.incoming_ids[0]}/export`, 400);
  await bad('/api/v1/events?limit=0', 400);
  await bad('/api/v1/events?after=-1', 400);
});

test('trip settings: office reads, admin changes (400 on bad values), other companies 404; new trips use them', async () => {
  const office = s.token(C, 'clerk');
  const got = await s.api('GET', `/api/v1/companies/${C}/trip-settings`, { token: office });
  assert.equal(got.status, 200);
  assert.equal(got.body.stop_duration_s, 180);
  assert.equal((await s.api('PATCH', `/api/v1/companies/${C}/trip-settings`, { token: office, body: { stop_duration_s: 60 } })).status, 403);
  for (const body of [{ stop_radius_m: 5 }, { stop_duration_s: '60' }, { min_fixes: 2.5 }, {}, { nope: 1 }]) {
    const r = await s.api('PATCH', `/api/v1/companies/${C}/trip-settings`, { token: boss, body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error, 'BadRequest');
  }
  assert.equal((await s.api('GET', '/api/v1/companies/globex/trip-settings', { token: office })).status, 404);
  const set = await s.api('PATCH', `/api/v1/companies/${C}/trip-settings`, { token: boss, body: { stop_duration_s: 60, merge_gap_s: 0 } });
  assert.equal(set.status, 200);
  assert.equal(set.body.stop_duration_s, 60);
  assert.equal(set.body.stop_radius_m, 200);
  // a 90 s stop now ends a trip, and nothing merges
  await send('van6', drive(DAY + 13 * 3600_000, 90).fixes);
  assert.equal((await trips('van6')).length, 2);
  await s.api('PATCH', `/api/v1/companies/${C}/trip-settings`, { token: boss, body: { stop_duration_s: 180, merge_gap_s: 300 } });
  assert.equal((await s.api('GET', `/api/v1/companies/${C}/trip-settings`, { token: boss })).body.merge_gap_s, 300);
});
