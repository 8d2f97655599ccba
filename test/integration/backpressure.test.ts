/**
 * Backpressure and limits (issue 16, item 5): an office that stops reading is shed without
 * holding up the others (their driver→office latency is printed before and during the stall),
 * and a flood of connections beyond the configured limits is refused cleanly while REST keeps
 * answering. Bounded in count and time, on 127.0.0.1 only.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import WebSocket from 'ws';
import { CLOSE } from '../../shared/protocol/tracking';
import { startTestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

const pct = (xs: number[], p: number) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!);
const figures = (xs: number[]) => `n=${xs.length} p50 ${pct(xs, 50)} ms, p99 ${pct(xs, 99)} ms, max ${xs.length ? Math.max(...xs) : NaN} ms`;

test('a stuck office is shed (4008, logged) while two other offices keep receiving every driver', { timeout: 120_000 }, async () => {
  const SLOW_MS = 1500;
  const DRIVERS = 8;
  const lines: { msg: string; code?: number; user?: string }[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => (lines.push(JSON.parse(String(chunk)) as { msg: string }), cb()) }));
  const s = await startTestServer({ logger, ws: { minUpdateIntervalMs: 0, sendHighWaterBytes: 16 * 1024, slowConsumerTimeoutMs: SLOW_MS } });
  const sockets: TestSocket[] = [];
  try {
    const c = s.company('acme');
    // Long ids make each update ~300 bytes, so the stuck office's loopback buffers fill sooner.
    const driverId = (i: number) => `DR_${i}_`.padEnd(64, 'x');
    for (const o of ['OF_STUCK', 'OF_A', 'OF_B']) await s.user(c, o, 'office');
    for (let i = 0; i < DRIVERS; i++) await s.user(c, driverId(i), 'driver');
    const office = async (id: string) => {
      const sock = await TestSocket.open(s.wsUrl);
      sockets.push(sock);
      assert.equal((await sock.authenticate(id, 'office', s.token(c, id))).type, 'authenticated');
      sock.send({ action: 'subscribe', entity: 'company:drivers' });
      await sock.nextOfType('subscribed');
      return sock;
    };
    const stuck = await office('OF_STUCK');
    const healthy = [await office('OF_A'), await office('OF_B')];
    const drivers: TestSocket[] = [];
    for (let i = 0; i < DRIVERS; i++) {
      const d = await TestSocket.open(s.wsUrl);
      sockets.push(d);
      assert.equal((await d.authenticate(driverId(i), 'driver', s.token(c, driverId(i)))).type, 'authenticated');
      drivers.push(d);
    }

    // When each fix left its driver, by device time; each healthy office's latency per phase.
    const sentAt = new Map<number, number>();
    let phase: 'before' | 'stall' | 'after' = 'before';
    const latency = { before: [] as number[], stall: [] as number[], after: [] as number[] };
    const newestSeen = healthy.map(() => new Map<string, number>());
    healthy.forEach((h, k) =>
      h.ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        if (m.type !== 'location_update') return;
        const t = Date.parse(m.payload.timestamp);
        const at = sentAt.get(t * 100 + Number(m.id.split('_')[1]));
        if (at !== undefined) latency[phase].push(Date.now() - at);
        newestSeen[k]!.set(m.id, Math.max(newestSeen[k]!.get(m.id) ?? 0, t));
      }),
    );

    // One round is one second of device time: start a day back so even a long flood stays in the
    // past (a time more than 5 min ahead is stored at arrival time, and the newest would never match).
    const t0 = Date.now() - 24 * 3_600_000;
    let round = 0;
    const rounds = async (n: number, pauseEvery: number) => {
      for (let r = 0; r < n; r++, round++) {
        drivers.forEach((d, i) => {
          const ts = t0 + round * 1000;
          sentAt.set(ts * 100 + i, Date.now());
          d.send({ action: 'driver_location', id: driverId(i), seq: round, payload: { lat: 10 + round / 1e4, lng: 20 + i, speed: 50, bearing: round % 360, accuracy: 12.5, altitude: 1234.5, timestamp: ts } });
        });
        if (r % pauseEvery === pauseEvery - 1) await sleep(5);
      }
    };
    await rounds(50, 5);
    await sleep(300);

    // The stuck office stops reading; a bounded flood fills its buffers, then the server's limit.
    const raw = (stuck.ws as unknown as { _socket: Socket })._socket;
    raw.pause();
    phase = 'stall';
    const stallStart = Date.now();
    // Until the server sheds it (its TCP buffers hold a few MB first), at most 25 s.
    while (Date.now() - stallStart < 25_000 && round < 80_000 && !lines.some((l) => l.code === CLOSE.slowConsumer)) await rounds(100, 25);
    const shedAfterMs = Date.now() - stallStart;
    phase = 'after';
    await rounds(20, 5);
    const newest = t0 + (round - 1) * 1000;
    // The flood may have left a backlog of driver messages in the server's sockets; on a loaded
    // machine it takes a while to drain before the last round reaches the offices.
    const deadline = Date.now() + 40_000;
    const complete = (k: number) => [...newestSeen[k]!.values()].filter((t) => t === newest).length === DRIVERS;
    while (!(complete(0) && complete(1)) && Date.now() < deadline) await sleep(20);

    console.log(`healthy offices, driver→office latency before the stall: ${figures(latency.before)}`);
    console.log(`healthy offices, during the stall: ${figures(latency.stall)}`);
    console.log(`healthy offices, after the stuck office was shed (${shedAfterMs} ms into the stall): ${figures(latency.after)}`);

    const shed = lines.filter((l) => l.msg === 'closed a connection that stopped reading its messages');
    assert.equal(shed.length, 1, 'the stuck office was closed, once, and the server said so');
    assert.equal(shed[0]!.user, 'OF_STUCK');
    assert.equal(shed[0]!.code, CLOSE.slowConsumer);
    assert.ok(latency.stall.length > 0, 'the healthy offices kept receiving during the stall');
    const why = () =>
      `both healthy offices got every driver's newest position (newest seen per office: ${newestSeen.map((m) => [...m.values()].filter((t) => t === newest).length).join(', ')} of ${DRIVERS}; ` +
      `drivers open: ${drivers.filter((d) => d.ws.readyState === WebSocket.OPEN).length}; offices open: ${healthy.filter((h) => h.ws.readyState === WebSocket.OPEN).length}; ` +
      `log: ${lines.slice(-5).map((l) => l.msg).join(' | ')})`;
    assert.ok(complete(0) && complete(1), why());
    for (const h of healthy) assert.equal(h.ws.readyState, WebSocket.OPEN);

    raw.resume();
    const closed = await stuck.closed;
    assert.ok(closed.code === CLOSE.slowConsumer || closed.code === 1006, `the stuck office sees 4008 (or the terminated socket), got ${closed.code}`);
    if (closed.code === CLOSE.slowConsumer) assert.equal(closed.reason, 'too many unread messages');
    const stuckUpdates = stuck.received.filter((m) => m.type === 'location_update').length;
    assert.ok(stuckUpdates < round * DRIVERS, `the stuck office was not sent everything (${stuckUpdates} of ${round * DRIVERS})`);
  } finally {
    for (const sock of sockets) sock.ws.terminate();
    await s.stop();
  }
});

/** Opens a socket; resolves with how it ended up: open, refused at the upgrade (status, body), or failed. */
function connect(url: string): Promise<{ ws: WebSocket; open: true } | { open: false; status: number; body: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve({ ws, open: true }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ open: false, status: res.statusCode ?? 0, body }));
    });
    ws.once('error', () => resolve({ open: false, status: 0, body: '' }));
  });
}

test('a connection flood beyond the limits is refused cleanly (429 at the upgrade, 4029 over the company limit) and REST answers throughout', { timeout: 60_000 }, async () => {
  const PENDING = 16;
  const COMPANY_LIMIT = 12;
  const s = await startTestServer({ ws: { maxPendingPerAddress: PENDING, maxConnectionsPerCompany: COMPANY_LIMIT } });
  const opened: WebSocket[] = [];
  try {
    const c = s.company('acme');
    const other = s.company('other');
    await s.user(c, 'boss', 'admin');
    await s.user(other, 'ops', 'office');
    const token = s.token(c, 'boss');
    const restTimes: number[] = [];
    let flooding = true;
    const restLoop = (async () => {
      while (flooding) {
        const t = Date.now();
        const res = await s.api('GET', '/api/v1/devices', { token });
        assert.equal(res.status, 200, 'REST answers during the flood');
        restTimes.push(Date.now() - t);
        await sleep(20);
      }
    })();

    // 1. 200 sockets at once that never authenticate: PENDING are taken, the rest refused with 429 and a plain body.
    const results = await Promise.all(Array.from({ length: 200 }, () => connect(s.wsUrl)));
    const accepted = results.filter((r) => r.open);
    const refused = results.filter((r): r is { open: false; status: number; body: string } => !r.open);
    for (const r of accepted) opened.push(r.ws);
    console.log(`flood of 200 unauthenticated sockets: ${accepted.length} accepted, ${refused.length} refused (${JSON.stringify(Object.fromEntries(refused.reduce((m, r) => m.set(r.status, (m.get(r.status) ?? 0) + 1), new Map<number, number>())))})`);
    assert.equal(accepted.length, PENDING);
    for (const r of refused) {
      assert.equal(r.status, 429);
      assert.deepEqual(JSON.parse(r.body), { error: 'RateLimited', message: 'too many connections from this address are waiting to authenticate; try again shortly' });
    }
    for (const ws of opened.splice(0)) ws.terminate();
    await sleep(200);

    // 2. Offices of one company beyond its limit, in waves under the pending cap: the extra ones
    //    get Forbidden and close 4029; another company is not affected.
    const outcomes: { admitted: boolean; code?: number }[] = [];
    for (let wave = 0; wave < 3; wave++) {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const sock = await TestSocket.open(s.wsUrl);
          opened.push(sock.ws);
          const reply = await sock.authenticate('boss', 'office', token);
          if (reply.type === 'authenticated') return outcomes.push({ admitted: true });
          assert.equal(reply.error, 'Forbidden');
          assert.match(reply.message, new RegExp(`limit of ${COMPANY_LIMIT} connections`));
          outcomes.push({ admitted: false, code: (await sock.closed).code });
        }),
      );
    }
    const admittedCount = outcomes.filter((o) => o.admitted).length;
    console.log(`30 office connections against a limit of ${COMPANY_LIMIT}: ${admittedCount} admitted, ${outcomes.length - admittedCount} closed with ${[...new Set(outcomes.filter((o) => !o.admitted).map((o) => o.code))].join(', ')}`);
    assert.equal(admittedCount, COMPANY_LIMIT);
    assert.ok(outcomes.filter((o) => !o.admitted).every((o) => o.code === CLOSE.connectionLimit), 'outcomes.filter((o) => !o.admitted).every((o) => o.code === CLOSE.connectionLimit)');
    const elsewhere = await TestSocket.open(s.wsUrl);
    opened.push(elsewhere.ws);
    assert.equal((await elsewhere.authenticate('ops', 'office', s.token(other, 'ops'))).type, 'authenticated');

    flooding = false;
    await restLoop;
    console.log(`REST during the floods: ${figures(restTimes)}`);
    assert.ok(restTimes.length > 0, 'restTimes.length > 0');
  } finally {
    for (const ws of opened) ws.terminate();
    await s.stop();
  }
});
