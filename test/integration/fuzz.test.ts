/**
 * Bad input (issue 16, item 4): for a bounded time (FLEETDESK_FUZZ_MS, default 20 s) a running
 * server receives random and mutated Tracking-API frames, OsmAnd / Traccar Client / OwnTracks /
 * GPSLogger requests, HTTP-fallback and REST requests, while three drivers send valid fixes with
 * acknowledged seqs. The server must stay up, keep its memory bounded, answer every request
 * with a documented status and the `{error, message}` body, every WebSocket error with the
 * Tracking API's codes, and store the valid traffic intact. The seed is printed;
 * FLEETDESK_FUZZ_SEED=<n> repeats a run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { ERROR_CODES } from '../../shared/protocol/tracking';
import { Draw, envMs, fuzzSeed, phoneRequests, restRequests, wsFrames, type FuzzRequest, type WsFrame } from '../support/fuzz';
import { startTestServer, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

const BUDGET_MS = envMs('FLEETDESK_FUZZ_MS', 20_000);
const HTTP_WORKERS = 3;
const WS_WORKERS = 2;
const VALID_DRIVERS = 3;
/** Statuses the API documents for a request it refuses or answers (none of them 5xx). */
const DOCUMENTED = new Set([200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 429, 431]);
/** How a fuzzing socket may be closed by the server: auth timeout/failures, invalid UTF-8, too big, slow. */
const CLOSES = new Set([1000, 1002, 1005, 1006, 1007, 1009, 4000, 4003, 4008, 4029]);

interface Tally {
  http: number;
  ws: number;
  byLabel: Map<string, number>;
  statuses: Map<number, number>;
  wsErrors: Map<string, number>;
  closes: Map<number, number>;
  problems: string[];
}

const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);

function checkHttp(t: Tally, req: FuzzRequest, status: number, text: string): void {
  t.http++;
  bump(t.byLabel, req.label);
  bump(t.statuses, status);
  const what = `${req.label}: ${req.method} ${req.url.slice(0, 160)} ${String(req.body ?? '').slice(0, 160)} → ${status} ${text.slice(0, 300)}`;
  if (!DOCUMENTED.has(status)) t.problems.push(`undocumented status ${what}`);
  if (status < 400) return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    t.problems.push(`error answer is not JSON: ${what}`);
    return;
  }
  const b = body as { error?: unknown; message?: unknown };
  if (typeof b.error !== 'string' || typeof b.message !== 'string' || b.message === '') t.problems.push(`error body without {error, message}: ${what}`);
  else if (/\n\s+at |node_modules|SqliteError|TypeError|RangeError/.test(b.message)) t.problems.push(`error message leaks internals: ${what}`);
}

async function sendHttp(t: Tally, req: FuzzRequest): Promise<void> {
  const headers: Record<string, string> = { ...req.headers };
  let body: string | Blob | undefined = req.body;
  if (req.body !== undefined) {
    if (req.contentType === null) body = new Blob([req.body]);
    else headers['content-type'] = req.contentType ?? 'application/x-www-form-urlencoded';
  }
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method, headers, body, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    // A URL fetch itself refuses to send is not an input the server saw.
    if (err instanceof TypeError && !/fetch failed/.test(err.message)) return;
    t.problems.push(`${req.label}: no answer (${(err as Error).message}) for ${req.method} ${req.url.slice(0, 200)}`);
    return;
  }
  checkHttp(t, req, res.status, await res.text());
}

/** One fuzzing socket: authenticated as the fuzz driver or office (or not at all), then frames until it closes. */
class FuzzSocket {
  readonly ws: WebSocket;
  open = false;
  closed = false;
  constructor(url: string, t: Tally, auth: object | null) {
    this.ws = new WebSocket(url);
    this.ws.on('open', () => {
      this.open = true;
      if (auth) this.ws.send(JSON.stringify(auth));
    });
    this.ws.on('message', (data) => {
      let msg: { type?: unknown; error?: unknown; message?: unknown };
      try {
        msg = JSON.parse(data.toString()) as typeof msg;
      } catch {
        t.problems.push(`a server message is not JSON: ${data.toString().slice(0, 200)}`);
        return;
      }
      if (msg.type !== 'error') return;
      bump(t.wsErrors, String(msg.error));
      if (!(ERROR_CODES as readonly unknown[]).includes(msg.error)) t.problems.push(`WebSocket error outside the vocabulary: ${JSON.stringify(msg).slice(0, 300)}`);
      if (typeof msg.message !== 'string' || msg.message === '') t.problems.push(`WebSocket error without a message: ${JSON.stringify(msg).slice(0, 300)}`);
    });
    this.ws.on('close', (code) => {
      this.closed = true;
      bump(t.closes, code);
      if (!CLOSES.has(code)) t.problems.push(`fuzzing socket closed with ${code}`);
    });
    this.ws.on('error', () => undefined);
  }
  send(f: WsFrame): void {
    this.ws.send(f.data, { binary: f.binary });
  }
}

interface ValidDriver {
  id: string;
  pk: number;
  socket: TestSocket;
  sent: Map<number, { lat: number; lng: number; speed: number; timestamp: number }>;
  acked: Set<number>;
  refused: Map<number, string>;
}

test('fuzz: random and mutated input on every protocol while valid traffic flows — the server stays up, answers in its vocabulary and stores the valid traffic intact', { timeout: BUDGET_MS + 60_000 }, async () => {
  const seed = fuzzSeed();
  console.log(`fuzz seed ${seed} (repeat with FLEETDESK_FUZZ_SEED=${seed}), budget ${BUDGET_MS} ms`);
  const s: TestServer = await startTestServer({
    osmandPort: 0,
    // Every input comes from 127.0.0.1: the per-address locks against guessing would soon refuse everything.
    login: { maxPerAddress: 1_000_000, maxPerAccount: 1_000_000, maxPhoneFailures: 1_000_000 },
    ws: { maxPendingPerAddress: 1_000, minUpdateIntervalMs: 0 },
  });
  const t: Tally = { http: 0, ws: 0, byLabel: new Map(), statuses: new Map(), wsErrors: new Map(), closes: new Map(), problems: [] };
  const sockets: FuzzSocket[] = [];
  try {
    // The valid fleet and the fuzzing company are apart, so REST fuzzing cannot touch the valid drivers.
    const fleet = s.company('fleet');
    const fz = s.company('fuzz');
    await s.user(fz, 'fz-admin', 'admin');
    await s.user(fz, 'fz-office', 'office');
    await s.user(fz, 'fz-driver', 'driver');
    const fzDriver = s.ctx.users.get(fz, 'fz-driver')!;
    const fzDriverToken = s.token(fz, 'fz-driver');
    const fzOfficeToken = s.token(fz, 'fz-office');
    const drivers: ValidDriver[] = [];
    for (let i = 0; i < VALID_DRIVERS; i++) {
      const id = `valid-${i}`;
      await s.user(fleet, id, 'driver');
      const socket = await TestSocket.open(s.wsUrl);
      assert.equal((await socket.authenticate(id, 'driver', s.token(fleet, id))).type, 'authenticated');
      drivers.push({ id, pk: s.ctx.users.get(fleet, id)!.pk, socket, sent: new Map(), acked: new Set(), refused: new Map() });
    }
    for (const d of drivers) {
      d.socket.ws.on('message', (raw) => {
        const m = JSON.parse(raw.toString()) as { type: string; seq?: number; error?: string };
        if (m.type === 'ack' && m.seq !== undefined) d.acked.add(m.seq);
        if (m.type === 'error' && m.seq !== undefined) d.refused.set(m.seq, String(m.error));
      });
    }

    const validFrames = [
      { action: 'driver_location', id: 'fz-driver', seq: 1, payload: { lat: 50.1, lng: 8.6, speed: 30, bearing: 90, accuracy: 5, altitude: 100, timestamp: 1_700_000_000_000 } },
      { action: 'heartbeat', id: 'fz-driver', seq: 2, payload: { battery: 50, charging: false, gps: 'granted', online: true, pending: 0, duty: true, connection: 'mobile', app: 'fuzz' } },
      { action: 'alert', id: 'fz-driver', seq: 3, payload: { kind: 'crash', timestamp: 1_700_000_000_000, lat: 50.1, lng: 8.6, peak_g: 5, threshold_g: 3, motion: [{ t: 1_700_000_000_000, x: 1, y: 2, z: 9.8 }], positions: [{ lat: 50.1, lng: 8.6, speed: 30, bearing: 90, timestamp: 1_700_000_000_000 }] } },
      { action: 'location_batch', id: 'fz-driver', seq: 4, payload: { positions: [{ lat: 50.1, lng: 8.6, speed: 30, bearing: 90, timestamp: 1_700_000_001_000 }] } },
      { action: 'subscribe', entity: 'company:drivers' },
      { action: 'subscribe', entity: 'driver:fz-driver' },
      { action: 'authenticate', payload: { user_id: 'fz-driver', role: 'driver', token: fzDriverToken } },
    ];
    const frames = new Draw(wsFrames(validFrames), seed);
    const http = new Draw(
      restRequests({ base: s.url, token: s.token(fz, 'fz-admin'), company: fz, driverId: 'fz-driver' }).chain((rest) =>
        phoneRequests({ base: s.url, osmandBase: `http://127.0.0.1:${s.ctx.listening.osmandPort}`, key: fzDriver.device_key, userId: 'fz-driver', driverToken: fzDriverToken }).map((phone) => [rest, phone] as const),
      ),
      seed + 1,
    );

    const rssBefore = process.memoryUsage().rss;
    const deadline = Date.now() + BUDGET_MS;

    // Valid traffic: each driver a fix every 100 ms, device times a second apart, moving slowly.
    const validLoop = async (d: ValidDriver, n: number) => {
      const t0 = Date.now() - 3_600_000;
      for (let seq = 0; Date.now() < deadline; seq++) {
        const fix = { lat: 48 + n + seq * 1e-5, lng: 11 + seq * 1e-5, speed: 20 + (seq % 30), timestamp: t0 + seq * 1000 };
        d.sent.set(seq, fix);
        d.socket.send({ action: 'driver_location', id: d.id, seq, payload: { lat: fix.lat, lng: fix.lng, speed: fix.speed, bearing: 45, timestamp: fix.timestamp } });
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const httpLoop = async (w: number) => {
      while (Date.now() < deadline) {
        const [rest, phone] = http.next();
        await sendHttp(t, w % 2 === 0 ? phone : rest);
      }
    };
    const wsLoop = async (w: number) => {
      let sock: FuzzSocket | null = null;
      let sentOnSocket = 0;
      while (Date.now() < deadline) {
        if (!sock || sock.closed || sentOnSocket > 200) {
          if (sock && !sock.closed) sock.ws.close();
          const auth = [
            { action: 'authenticate', payload: { user_id: 'fz-driver', role: 'driver', token: fzDriverToken } },
            { action: 'authenticate', payload: { user_id: 'fz-office', role: 'office', token: fzOfficeToken } },
            null,
          ][(w + t.ws) % 3]!;
          sock = new FuzzSocket(s.wsUrl, t, auth);
          sockets.push(sock);
          sentOnSocket = 0;
          await new Promise<void>((r) => {
            sock!.ws.once('open', () => r());
            sock!.ws.once('close', () => r());
          });
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const f = frames.next();
        if (sock.open && !sock.closed) {
          sock.send(f);
          t.ws++;
          bump(t.byLabel, `ws ${f.label}`);
          sentOnSocket++;
        }
        await new Promise((r) => setImmediate(r));
        if (t.ws % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    };
    await Promise.all([
      ...drivers.map((d, i) => validLoop(d, i)),
      ...Array.from({ length: HTTP_WORKERS }, (_, i) => httpLoop(i)),
      ...Array.from({ length: WS_WORKERS }, (_, i) => wsLoop(i)),
    ]);

    // Every valid fix answered: acked (stored) and never refused.
    const settle = Date.now() + 15_000;
    while (Date.now() < settle && drivers.some((d) => d.acked.size + d.refused.size < d.sent.size)) await new Promise((r) => setTimeout(r, 50));
    for (const sock of sockets) if (!sock.closed) sock.ws.terminate();

    const health = await s.api('GET', '/api/v1/health');
    assert.equal(health.status, 200, 'the server still answers after the fuzzing');
    const rssAfter = process.memoryUsage().rss;
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    const top = (m: Map<string | number, number>) => JSON.stringify(Object.fromEntries([...m].sort((a, b) => b[1] - a[1])));
    console.log(`fuzz: ${t.http + t.ws} inputs tried (${t.http} HTTP requests, ${t.ws} WebSocket frames) in ${BUDGET_MS} ms`);
    console.log(`fuzz: by kind ${top(t.byLabel)}`);
    console.log(`fuzz: HTTP statuses ${top(t.statuses)}; WebSocket errors ${top(t.wsErrors)}; closes ${top(t.closes)}`);
    console.log(`fuzz: valid fixes sent ${drivers.reduce((n, d) => n + d.sent.size, 0)}, acked ${drivers.reduce((n, d) => n + d.acked.size, 0)}; RSS ${mb(rssBefore)} MB before, ${mb(rssAfter)} MB after`);

    // One example per kind of problem (its text up to the arrow), so that one repeated fault does not hide the others.
    const kinds = new Map<string, string>();
    for (const p of t.problems) if (!kinds.has(p.replace(/:.*→ /s, ' → ').slice(0, 80))) kinds.set(p.replace(/:.*→ /s, ' → ').slice(0, 80), p);
    assert.deepEqual([...kinds.values()].slice(0, 20), [], `${t.problems.length} problems (seed ${seed})`);
    assert.ok(t.http > 50 && t.ws > 50, 'both kinds of input were tried');
    // Test process and server share the process: a generous bound that a leak per input would still pass.
    assert.ok(rssAfter - rssBefore < 400 * 1024 * 1024, `RSS grew from ${mb(rssBefore)} to ${mb(rssAfter)} MB`);

    for (const d of drivers) {
      assert.deepEqual([...d.refused], [], `${d.id}: valid fixes refused`);
      assert.equal(d.acked.size, d.sent.size, `${d.id}: every valid fix acknowledged`);
      const rows = s.ctx.positions.range(d.pk, 0, Number.MAX_SAFE_INTEGER, 100_000);
      assert.equal(rows.length, d.acked.size, `${d.id}: stored once per acked fix, nothing else`);
      const byTime = new Map(rows.map((r) => [r.device_time, r]));
      for (const seq of d.acked) {
        const fix = d.sent.get(seq)!;
        const row = byTime.get(fix.timestamp);
        assert.ok(row, `${d.id} seq ${seq} stored`);
        assert.equal(row.lat, fix.lat);
        assert.equal(row.lng, fix.lng);
        assert.ok(Math.abs(row.speed! - fix.speed / 3.6) < 1e-9, `${d.id} seq ${seq} speed in m/s`);
      }
    }
    assert.equal(s.ctx.db.pragma('integrity_check', { simple: true }), 'ok');
    for (const d of drivers) d.socket.ws.close();
  } finally {
    for (const sock of sockets) if (!sock.closed) sock.ws.terminate();
    await s.stop();
  }
});
