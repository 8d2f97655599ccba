/**
 * Crash safety over every protocol (issue 16, item 2). `serve` runs in a child process; six
 * devices drive at once — two over the Tracking API (`location_batch` with acked seqs), one each
 * with OsmAnd (GET), Traccar Client JSON, OwnTracks and GPSLogger (HTTP 200 = acknowledged) —
 * and the server is killed with SIGKILL at random moments, several times, then started again on
 * the same folder. Like a phone, each device resends what was not acknowledged. At the end every
 * acknowledged fix is stored exactly once, each device's trip in progress across the kills ends
 * as ONE trip after it stops, and `integrity_check` is ok.
 *
 * Events too: every ALARM_EVERY fixes the devices whose protocol carries alarms raise one — the
 * Tracking API devices an `alert` (SOS and crash in turn, acked by seq), OsmAnd `alarm=sos`,
 * Traccar Client `alarm: "sos"` (the HTTP 200 acks it with the fix). Every acknowledged alarm is
 * one alert and its event (SosReceived, AccidentEventReceived) exactly once, and each device's
 * one trip has its IncomingTrackReceived and TrackEnrichmentFinished once. (Heartbeats and the
 * outbox have their own SIGKILL test: notify-crash-safety.test.ts.)
 *
 * FLEETDESK_CRASH_SEED=<n> repeats a run's kill moments (the seed is printed).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { DB_FILE } from '../../main/server/store/database';
import { TRACK_PATH } from '../../shared/protocol/tracking';
import { startServe, type ServeProcess } from '../support/cli';
import { startTestServer, tempDir } from '../support/server';
import { rng } from '../support/synthetic-trips';

const KILLS = 4;
const SEED = Number(process.env.FLEETDESK_CRASH_SEED ?? Date.now() % 1_000_000);
const random = rng(SEED);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Device time of fix i: one second apart, six hours ago. */
const T0 = Math.floor((Date.now() - 6 * 3600_000) / 1000) * 1000;
const STOP_FIXES = 200; // stationary for longer than the trip settings' stop (180 s)
/** an alarm rides on fix i when i % ALARM_EVERY === ALARM_AT */
const ALARM_EVERY = 40;
const ALARM_AT = 17;
/** a Tracking API alert's seq: ALERT_SEQ + the fix it rides on (fixes use their index) */
const ALERT_SEQ = 1_000_000;
const hasAlarm = (i: number) => i % ALARM_EVERY === ALARM_AT;
/** the Tracking API devices alternate: SOS, crash, SOS, … */
const alarmKind = (i: number): 'sos' | 'crash' => (Math.floor(i / ALARM_EVERY) % 2 === 0 ? 'sos' : 'crash');

type Kind = 'ws' | 'osmand' | 'traccar' | 'owntracks' | 'gpslogger';
interface Device {
  id: string;
  kind: Kind;
  pk: number;
  key: string;
  token: string;
  lat: number;
  /** fixes 0 … next-1 have been made; those not in `acked` are resent */
  next: number;
  acked: Set<number>;
  /** Tracking API devices: the fixes whose alert was acknowledged */
  alertsAcked: Set<number>;
}

/** A fix as the Tracking API writes it. */
const pick = (p: { lat: number; lng: number; speedMs: number }) => ({ lat: p.lat, lng: p.lng, speed: p.speedMs * 3.6, bearing: 90, accuracy: 5 });

/** Fix i of a device: driving east at ~50 km/h, then (i ≥ driveUntil) standing still. */
function position(d: Device, i: number, driveUntil: number) {
  const moving = Math.min(i, driveUntil);
  return { lat: d.lat, lng: 8 + moving * 0.0002, speedMs: i < driveUntil ? 14 : 0, time: T0 + i * 1000 };
}

let serve: ServeProcess | null = null;
after(() => serve?.child.kill('SIGKILL'));

/** Sends one fix the device's way; true when acknowledged. */
async function sendHttp(base: string, d: Device, i: number, driveUntil: number): Promise<boolean> {
  const p = position(d, i, driveUntil);
  const sec = p.time / 1000;
  let res: Response;
  const signal = AbortSignal.timeout(5000);
  const alarm = hasAlarm(i);
  if (d.kind === 'osmand') res = await fetch(`${base}/osmand?id=${d.key}&lat=${p.lat}&lon=${p.lng}&timestamp=${sec}&speed=${p.speedMs / 0.514444}${alarm ? '&alarm=sos' : ''}`, { signal });
  else if (d.kind === 'traccar') {
    const location = { timestamp: new Date(p.time).toISOString(), coords: { latitude: p.lat, longitude: p.lng, speed: p.speedMs, heading: 90, accuracy: 5 }, is_moving: p.speedMs > 0, ...(alarm ? { alarm: 'sos' } : {}) };
    const body = JSON.stringify({ device_id: d.key, location });
    res = await fetch(`${base}/osmand`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal });
  } else if (d.kind === 'owntracks') {
    const body = JSON.stringify({ _type: 'location', lat: p.lat, lon: p.lng, tst: sec, vel: Math.round(p.speedMs * 3.6), acc: 5 });
    res = await fetch(`${base}/owntracks`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${d.id}:${d.key}`).toString('base64')}` }, signal });
  } else res = await fetch(`${base}/gpslogger?key=${d.key}&lat=${p.lat}&lon=${p.lng}&timestamp=${sec}&spd=${p.speedMs}`, { signal });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${d.kind} fix ${i}: ${res.status}`);
  return true;
}

/** One device's stream until stopped or the server dies: unacknowledged fixes first, then new ones. */
function drive(base: string, d: Device, upTo: number, driveUntil: number): { stop(): void; done: Promise<void> } {
  let stopped = false;
  const queue = () => {
    const todo: number[] = [];
    for (let i = 0; i < d.next; i++) if (!d.acked.has(i)) todo.push(i);
    return todo;
  };
  if (d.kind !== 'ws') {
    const done = (async () => {
      while (!stopped) {
        const i = queue()[0] ?? (d.next < upTo ? d.next++ : -1);
        if (i < 0) return;
        try {
          if (await sendHttp(base, d, i, driveUntil)) d.acked.add(i);
        } catch {
          return; // the server died: what was not answered is resent after the restart
        }
        await sleep(10);
      }
    })();
    return { stop: () => (stopped = true), done };
  }
  const alertQueue = () => {
    const todo: number[] = [];
    for (let i = ALARM_AT; i < d.next; i += ALARM_EVERY) if (!d.alertsAcked.has(i)) todo.push(i);
    return todo;
  };
  const finished = () => queue().length === 0 && alertQueue().length === 0;
  const ws = new WebSocket(base.replace(/^http/, 'ws') + TRACK_PATH);
  const done = new Promise<void>((resolve) => {
    ws.on('close', () => resolve());
    ws.on('error', () => undefined);
    let timer: NodeJS.Timeout | null = null;
    ws.on('open', () => ws.send(JSON.stringify({ action: 'authenticate', payload: { user_id: d.id, role: 'driver', token: d.token } })));
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { type: string; seq?: number; error?: string };
      if (m.type === 'authenticated') {
        for (const i of queue()) send(i);
        for (const i of alertQueue()) sendAlert(i);
        timer = setInterval(() => {
          if (stopped || d.next >= upTo) {
            if (timer) clearInterval(timer);
            if (stopped || finished()) ws.close();
            return;
          }
          const i = d.next++;
          send(i);
          if (hasAlarm(i)) sendAlert(i);
        }, 10);
      } else if (m.type === 'ack' && m.seq !== undefined) {
        if (m.seq >= ALERT_SEQ) d.alertsAcked.add(m.seq - ALERT_SEQ);
        else d.acked.add(m.seq);
        if (d.next >= upTo && finished()) ws.close();
      }
      else if (m.type === 'error') throw new Error(`${d.id}: ${JSON.stringify(m)}`);
    });
    ws.on('close', () => timer && clearInterval(timer));
  });
  const send = (i: number) => {
    const p = position(d, i, driveUntil);
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ action: 'location_batch', id: d.id, seq: i, payload: { positions: [{ lat: p.lat, lng: p.lng, speed: p.speedMs * 3.6, bearing: 90, accuracy: 5, timestamp: p.time }] } }));
  };
  /** an SOS, or a crash with its position buffer (so the whole accident is stored in the alert's transaction) */
  const sendAlert = (i: number) => {
    const p = position(d, i, driveUntil);
    const kind = alarmKind(i);
    const buffer = kind === 'crash' ? { peak_g: 6, threshold_g: 4, positions: [Math.max(0, i - 2), Math.max(0, i - 1), i].map((k) => ({ ...pick(position(d, k, driveUntil)), timestamp: T0 + k * 1000 })) } : {};
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ action: 'alert', id: d.id, seq: ALERT_SEQ + i, payload: { kind, timestamp: p.time, lat: p.lat, lng: p.lng, ...buffer } }));
  };
  return { stop: () => ((stopped = true), ws.close()), done };
}

test(`SIGKILL during ingest over every protocol, ${KILLS} times: every acknowledged fix stored once, one trip per device, the database intact`, { timeout: 240_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (FLEETDESK_CRASH_SEED to repeat)`);
  const dataDir = tempDir('fleetdesk-crash-protocols-');
  const setup = await startTestServer({ dataDir });
  const c = setup.company('acme');
  const kinds: Kind[] = ['ws', 'ws', 'osmand', 'traccar', 'owntracks', 'gpslogger'];
  const devices: Device[] = [];
  for (const [n, kind] of kinds.entries()) {
    const id = `${kind}-${n}`;
    await setup.user(c, id, 'driver');
    const row = setup.ctx.users.get(c, id)!;
    devices.push({ id, kind, pk: row.pk, key: row.device_key, token: setup.token(c, id, 86_400), lat: 48 + n * 0.01, next: 0, acked: new Set(), alertsAcked: new Set() });
  }
  await setup.stop();

  const args = ['--data', dataDir, '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'];
  const DRIVE_FIXES = 100_000; // more than any run sends: driving until the last start
  for (let kill = 1; kill <= KILLS; kill++) {
    serve = await startServe(args, 60_000);
    const streams = devices.map((d) => drive(serve!.url, d, DRIVE_FIXES, DRIVE_FIXES));
    // killed while every device is under way: after its first acks of this run, at a random moment
    const ackedBefore = devices.map((d) => d.acked.size);
    const until = Date.now() + 20_000;
    while (devices.some((d, k) => d.acked.size < ackedBefore[k]! + 3) && Date.now() < until) await sleep(20);
    await sleep(200 + random() * 1500);
    serve.child.kill('SIGKILL');
    assert.equal((await serve.exited).signal, 'SIGKILL');
    for (const s of streams) s.stop();
    await Promise.all(streams.map((s) => s.done));
    const db = new Database(path.join(dataDir, DB_FILE), { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', `after kill ${kill}`);
    db.close();
    t.diagnostic(`kill ${kill}: ${devices.map((d) => `${d.id} ${d.acked.size}/${d.next}`).join(', ')}`);
  }

  // The last start: the phones resend what was not acknowledged, then stand still until the trip ends.
  serve = await startServe(args, 60_000);
  const driveUntil = Math.max(...devices.map((d) => d.next));
  const end = driveUntil + STOP_FIXES;
  // Each device drives on to the same point, then stands still.
  const streams = devices.map((d) => drive(serve!.url, d, end, driveUntil));
  await Promise.all(streams.map((s) => s.done));
  for (const d of devices) assert.equal(d.acked.size, end, `${d.id}: every fix acknowledged in the end`);
  await sleep(500); // a finished trip is recorded just after its last fix
  serve.child.kill('SIGTERM');
  assert.equal((await serve.exited).code, 0, serve.stderr());
  serve = null;

  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    for (const d of devices) {
      const rows = db.prepare('SELECT device_time FROM positions WHERE user_pk = ? ORDER BY device_time').all(d.pk) as { device_time: number }[];
      assert.equal(rows.length, end, `${d.id}: each acknowledged fix stored once`);
      assert.deepEqual(
        rows.map((r) => r.device_time),
        Array.from({ length: end }, (_, i) => T0 + i * 1000),
        `${d.id}: exactly the fixes sent`,
      );
      const trips = db.prepare("SELECT id, start_time, end_time, status FROM trips WHERE user_pk = ? AND status = 'received'").all(d.pk) as { id: string; start_time: number; end_time: number }[];
      assert.equal(trips.length, 1, `${d.id}: one trip across the kills, not one per run: ${JSON.stringify(trips)}`);
      assert.ok(trips[0]!.start_time <= T0 + 60_000, `${d.id}: the trip starts with the first run`);
      assert.ok(trips[0]!.end_time >= T0 + (driveUntil - 1) * 1000, `${d.id}: the trip ends where the device stopped`);

      // Events: each acknowledged alarm once, with its event once; the one trip's events once.
      const events = (name: string) => db.prepare('SELECT object_id FROM events WHERE user_pk = ? AND event = ?').all(d.pk, name) as { object_id: string }[];
      const alarms = Array.from({ length: end }, (_, i) => i).filter(hasAlarm);
      const all = db.prepare('SELECT id, kind, device_time, source FROM alerts WHERE user_pk = ? ORDER BY device_time').all(d.pk) as { id: number; kind: string; device_time: number; source: string }[];
      // the phones' alarms; the server's own crash detection also sees the sudden stop at the end (source 'server')
      const alerts = all.filter((a) => a.source !== 'server');
      // (none when the phone's own crash alert has that device time: one alert per device, kind and time)
      assert.ok(all.filter((a) => a.source === 'server').length <= 1, `${d.id}: the sudden stop detected once, not once per restart`);
      if (d.kind === 'ws') {
        assert.deepEqual([...d.alertsAcked].sort((a, b) => a - b), alarms, `${d.id}: every alert acknowledged in the end`);
        assert.deepEqual(alerts.map((a) => [a.kind, a.device_time]), alarms.map((i) => [alarmKind(i), T0 + i * 1000]), `${d.id}: each acknowledged alert stored once`);
      } else if (d.kind === 'osmand' || d.kind === 'traccar') {
        assert.deepEqual(alerts.map((a) => [a.kind, a.device_time]), alarms.map((i) => ['sos', T0 + i * 1000]), `${d.id}: each acknowledged alarm stored once`);
      } else assert.equal(alerts.length, 0, `${d.id}: no alarms in this protocol`);
      const sos = all.filter((a) => a.kind === 'sos').map((a) => String(a.id));
      assert.deepEqual(events('SosReceived').map((e) => e.object_id).sort(), sos.sort(), `${d.id}: one SosReceived per SOS`);
      const crashes = all.filter((a) => a.kind === 'crash').length;
      const accidents = db.prepare('SELECT id FROM accidents WHERE user_pk = ?').all(d.pk) as { id: string }[];
      assert.equal(accidents.length, crashes, `${d.id}: one accident per crash alert`);
      assert.deepEqual(events('AccidentEventReceived').map((e) => e.object_id).sort(), accidents.map((a) => a.id).sort(), `${d.id}: one AccidentEventReceived per accident`);
      assert.deepEqual(events('IncomingTrackReceived').map((e) => e.object_id), [trips[0]!.id], `${d.id}: the trip's IncomingTrackReceived once`);
      assert.equal(events('TrackEnrichmentFinished').length, 1, `${d.id}: the trip's TrackEnrichmentFinished once`);
      assert.equal(events('IncomingTrackRemoved').length, 0, `${d.id}: no trip recorded and removed again`);
    }
    const alarmCount = (db.prepare('SELECT COUNT(*) AS n FROM alerts').get() as { n: number }).n;
    t.diagnostic(`${devices.length} devices, ${end} fixes each (driving ${driveUntil} s of device time), ${alarmCount} alarms, ${KILLS} kills`);
  } finally {
    db.close();
  }
});
