/**
 * The outbox survives SIGKILL. `serve` runs in a child process on a temporary data folder; a
 * webhook destination points at a receiver in this process (which now and then answers 503, so
 * some events are mid-retry when the server dies). Drivers send a steady stream of heartbeats with
 * a changing battery and SOS alerts over the Tracking API; the server is killed (SIGKILL) at a
 * random moment while deliveries are under way, several times, and started again on the same
 * folder. At the end, from the SQLite file itself: every event of the log reached the receiver at
 * least once; a duplicate always carries the same webhook-id (and body); the first arrivals are
 * in the log's order; every acknowledged report is in the log; `PRAGMA integrity_check` is ok.
 *
 * FLEETDESK_CRASH_SEED=<n> repeats a run's kill moments and 503s (the seed is printed).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
import WebSocket from 'ws';
import { DB_FILE } from '../../main/server/store/database';
import { TRACK_PATH } from '../../shared/protocol/tracking';
import { startServe, type ServeProcess } from '../support/cli';
import { startTestServer, tempDir } from '../support/server';
import { rng } from '../support/synthetic-trips';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const C = 'acme';
const DRIVERS = ['dr-0', 'dr-1', 'dr-2', 'dr-3', 'dr-4'];
const KILLS = 5;
/** one report per driver this often: ~250 events/s in all */
const EVERY_MS = 20;
const SEED = Number(process.env.FLEETDESK_CRASH_SEED ?? Date.now() % 1_000_000);
const random = rng(SEED);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** What the phones were told was stored (acks), per driver in order. */
const ackedBatteries = new Map<string, number[]>(DRIVERS.map((d) => [d, []]));
const ackedSos: number[] = [];
/** error answers to the drivers (there should be none) */
const refusals: string[] = [];

/**
 * One driver's steady stream until its socket dies (the server killed) or `stop`: a heartbeat
 * whose battery changes every time (so each is an event), and every 10th report an SOS.
 */
function stream(wsUrl: string, id: string, token: string, battery: { n: number }, sosTimes: { next: number }): { stop(): void; done: Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const ws = new WebSocket(wsUrl);
  const sent = new Map<number, () => void>();
  let seq = 0;
  const done = new Promise<void>((resolve) => {
    ws.on('close', () => {
      if (timer) clearInterval(timer);
      resolve();
    });
    ws.on('error', () => undefined);
  });
  ws.on('open', () => ws.send(JSON.stringify({ action: 'authenticate', payload: { user_id: id, role: 'driver', token } })));
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { type: string; seq?: number };
    if (m.type === 'authenticated') {
      timer = setInterval(() => {
        if (stopped || ws.readyState !== WebSocket.OPEN) return;
        const n = ++seq;
        if (n % 10 === 0) {
          const t = ++sosTimes.next;
          ws.send(JSON.stringify({ action: 'alert', id, seq: n, payload: { kind: 'sos', timestamp: t } }));
          sent.set(n, () => ackedSos.push(t));
        } else {
          const b = 100 - (++battery.n % 100);
          ws.send(JSON.stringify({ action: 'heartbeat', id, seq: n, payload: { battery: b, connection: 'wifi', gps: 'granted' } }));
          sent.set(n, () => ackedBatteries.get(id)!.push(b));
        }
      }, EVERY_MS);
    } else if (m.type === 'ack' && m.seq !== undefined) {
      sent.get(m.seq)?.();
      sent.delete(m.seq);
    } else if (m.type === 'error') {
      refusals.push(`${id}: ${data.toString()}`);
    }
  });
  return {
    stop: () => {
      stopped = true;
      ws.terminate();
    },
    done,
  };
}

let rx: WebhookReceiver;
let serve: ServeProcess | null = null;

after(async () => {
  serve?.child.kill('SIGKILL');
  await rx?.close();
});

test(`SIGKILL during delivery, ${KILLS} times: after restarts every event of the log reached the receiver, in order, duplicates with the same webhook-id; the database is intact`, async (t) => {
  t.diagnostic(`seed ${SEED} (FLEETDESK_CRASH_SEED to repeat)`);
  rx = await startWebhookReceiver();
  const dataDir = tempDir('fleetdesk-crash-');
  // Accounts and the destination, made by an in-process server on the same folder, then stopped.
  const setup = await startTestServer({ dataDir });
  setup.company(C);
  await setup.user(C, 'boss', 'admin');
  for (const d of DRIVERS) await setup.user(C, d, 'driver');
  const admin = setup.token(C, 'boss', 86_400);
  const tokens = Object.fromEntries(DRIVERS.map((d) => [d, setup.token(C, d, 86_400)]));
  const created = await setup.api('POST', '/api/v1/destinations', { token: admin, body: { name: 'Backend', provider: 'webhook', settings: { url: `${rx.origin}/hook` } } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const secret = created.body.created_secret as string;
  const destId = created.body.id as string;
  await setup.stop();

  // In every other run the receiver refuses about one request in twenty (503), so some kills land
  // while an event waits for its retry; in the others everything is accepted at full speed.
  let refusing = false;
  rx.onHit = () => (rx.status = refusing && random() < 0.05 ? 503 : 200);

  const batteries = Object.fromEntries(DRIVERS.map((d) => [d, { n: 0 }]));
  const sosTimes = { next: Date.now() - 3600_000 };
  const args = ['--data', dataDir, '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'];
  for (let kill = 1; kill <= KILLS; kill++) {
    refusing = kill % 2 === 0;
    // (the answer to each request is chosen after the one before; a refusing run refuses its first)
    rx.status = refusing ? 503 : 200;
    serve = await startServe(args);
    const wsUrl = serve.url.replace(/^http/, 'ws') + TRACK_PATH;
    const streams = DRIVERS.map((d) => stream(wsUrl, d, tokens[d]!, batteries[d]!, sosTimes));
    // killed while deliveries are under way: after this run's first arrivals, at a random moment
    const before = rx.hits.length;
    await until('deliveries under way', () => rx.hits.length > before + 5);
    await sleep(100 + random() * 1_500);
    serve.child.kill('SIGKILL');
    const exit = await serve.exited;
    assert.equal(exit.signal, 'SIGKILL');
    for (const s of streams) s.stop();
    await Promise.all(streams.map((s) => s.done));
    const db = new Database(path.join(dataDir, DB_FILE), { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', `after kill ${kill}`);
    db.close();
    t.diagnostic(`kill ${kill}${refusing ? ' (receiver refusing some)' : ''}: ${rx.hits.length} requests so far`);
  }

  // the last start: nothing new happens; the outbox catches up from its stored cursor
  refusing = false;
  rx.status = 200;
  serve = await startServe(args);
  const api = async (p: string) => (await fetch(serve!.url + p, { headers: { authorization: `Bearer ${admin}` } })).json() as Promise<any>;
  await until('the destination caught up', async () => {
    const d = await api(`/api/v1/destinations/${destId}`);
    return d.health.pending === 0 && d.health.dead === 0;
  });
  serve.child.kill('SIGTERM');
  assert.equal((await serve.exited).code, 0, serve.stderr());
  serve = null;

  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true });
  const events = db.prepare(`SELECT id, uid, event, details FROM events WHERE company_id = ? ORDER BY id`).all(C) as { id: number; uid: string; event: string; details: string }[];
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  const retried = (db.prepare(`SELECT count(*) AS n FROM deliveries WHERE attempts > 1`).get() as { n: number }).n;
  db.close();

  const accepted = rx.accepted('/hook');
  const firstAt = new Map<string, number>();
  const bodyOf = new Map<string, string>();
  const idOfEvent = new Map<string, string>();
  for (const [i, h] of accepted.entries()) {
    const id = String(h.headers['webhook-id']);
    assert.deepEqual(new Webhook(secret).verify(h.body, h.headers as Record<string, string>), JSON.parse(h.body));
    if (!firstAt.has(id)) firstAt.set(id, i);
    // a duplicate is the same event with the same id: never the same event under two ids
    // (each restart here takes a new port, so Object.Url's origin moves with it; a real server keeps its port)
    const body = h.body.replace(/http:\/\/127\.0\.0\.1:\d+\//g, 'http://127.0.0.1:PORT/');
    assert.equal(bodyOf.get(id) ?? body, body, `webhook-id ${id} always carries the same envelope`);
    bodyOf.set(id, body);
    const env = JSON.parse(h.body) as { Event: string; Object: { Id: string }; Timestamp: string; Details: unknown };
    const key = JSON.stringify([env.Event, env.Object.Id, env.Timestamp, env.Details]);
    assert.equal(idOfEvent.get(key) ?? id, id, 'one event, one webhook-id');
    idOfEvent.set(key, id);
  }
  const uids = events.map((e) => e.uid);
  const missing = uids.filter((u) => !firstAt.has(u));
  assert.deepEqual(missing, [], `${missing.length} of ${uids.length} events never arrived`);
  assert.deepEqual(
    [...firstAt.keys()].filter((id) => uids.includes(id)).length,
    firstAt.size,
    'nothing arrived that is not in the log',
  );
  assert.deepEqual([...firstAt.keys()], uids, 'first arrivals in the order of the log');

  // Every acknowledged report arrived, in the order sent: the acked ones are a subsequence of the
  // first arrivals (a report stored but killed before its ack was sent arrives too).
  assert.deepEqual(refusals, []);
  const firsts = [...firstAt.values()].map((i) => JSON.parse(accepted[i]!.body) as { Event: string; UserId: string; Details: Record<string, any> });
  for (const d of DRIVERS) {
    const arrived = firsts.filter((e) => e.Event === 'HeartbeatReceived' && e.UserId === d).map((e) => e.Details.ChargeLevel as number);
    const acked = ackedBatteries.get(d)!;
    assert.ok(acked.length > 10, `${d} sent a stream (${acked.length} acked)`);
    let k = 0;
    for (const b of arrived) if (k < acked.length && b === acked[k]) k++;
    assert.equal(k, acked.length, `${d}: every acknowledged heartbeat arrived, in order`);
  }
  const sosArrived = new Set(firsts.filter((e) => e.Event === 'SosReceived').map((e) => Date.parse(e.Details.DateOccurred as string)));
  assert.deepEqual(
    ackedSos.filter((x) => !sosArrived.has(x)),
    [],
    'every acknowledged SOS arrived',
  );
  const duplicates = accepted.length - firstAt.size;
  t.diagnostic(`${uids.length} events, ${accepted.length} accepted deliveries (${duplicates} duplicates after kills), ${rx.hits.length - accepted.length} refused with 503, ${retried} deliveries retried`);
  assert.ok(uids.length > 200, `a stream of events (${uids.length})`);
  assert.ok(retried > 0, 'some events were retried');
  fs.rmSync(dataDir, { recursive: true, force: true });
});
