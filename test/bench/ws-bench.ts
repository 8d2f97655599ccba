/**
 * `npm run bench:ws`: load benchmark of the WebSocket Tracking API. Not a test: it prints figures.
 *
 * A real tracking server runs in a child process (bench-server.ts) on 127.0.0.1 with a fresh
 * data folder. This process provisions one company with N drivers and M offices through the
 * accounts functions (the same SQLite file, WAL), opens the offices (subscribed to
 * `company:drivers`) and then the drivers in batches, and has every driver send
 * `driver_location` (with `seq`) at 1 Hz, spread evenly over the second. After a warm-up it
 * measures for `--duration` seconds: acks/s, location_update messages/s across offices,
 * driver→office latency (send time recorded per (driver, seq), looked up by the office from
 * the update's device timestamp), errors by code, server RSS and CPU. At the end it stops the
 * server and checks that every acked position is in the positions table.
 *
 *   npm run bench:ws -- --drivers 2000 --offices 5 --duration 30 --warmup 5
 *
 * `--notify-down` first makes a webhook destination for the company pointing at a closed port
 * (a backend that is down), so the figures can be compared with a run without it;
 * `--heartbeat-every <s>` has every driver also send a heartbeat (no seq) with a changing battery
 * every s seconds, so HeartbeatReceived events keep flowing into the outbox during the run.
 *
 * `--reference` runs the bare `ws` relay (reference/ws-relay.ts: no auth, no persistence) in
 * place of FleetDesk, driven by the same clients, for `npm run bench`'s ratios; `--phones K`
 * adds K OsmAnd phones posting a fix every second over HTTP keep-alive (soak.ts). Every 60 s of
 * the window a line with RSS, heap, event-loop lag and latency goes to stderr and into `minutes`.
 *
 * `BENCH_NODE_FLAGS="--trace-gc"` (any Node flags) passes flags to the server child, for profiling
 * beside `--cpu-prof`.
 *
 * One JSON object goes to stdout; progress goes to stderr.
 */
import type { ChildProcess } from 'node:child_process';
import { forkBundled } from './fork-child';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { addCompany, addUser, issueToken, type Accounts } from '../../main/server/accounts';
import { DB_FILE, openDatabase, type Db } from '../../main/server/store/database';
import { PositionStore } from '../../main/server/store/positions';
import type { PositionRecord } from '../../main/server/ingest/position';
import { COMPANY_DRIVERS, TRACK_PATH } from '../../shared/protocol/tracking';
import type { FromServer, LoopDelay, ServerSample, ToServer } from './ipc';
import { fitLine } from './fit';
import { splitSmaps } from './smaps-split';
import { accountsOn } from '../../main/server/open-accounts';

// ---------------------------------------------------------------- options

const USAGE = 'usage: npm run bench:ws -- [--drivers 2000] [--offices 5] [--duration 30] [--warmup 5] [--ramp-batch 100] [--notify-down] [--heartbeat-every 0] [--durability full|normal] [--reference] [--phones 0] [--history 0] [--cpu-prof] [--keep-data]';

const OPTIONS = {
  drivers: { type: 'string', default: '2000' },
  offices: { type: 'string', default: '5' },
  duration: { type: 'string', default: '30' },
  warmup: { type: 'string', default: '5' },
  /** drivers connecting at once; the next batch starts when the previous one is authenticated */
  'ramp-batch': { type: 'string', default: '100' },
  /** writes the server child's CPU profile to a temp folder (printed as profileDir) */
  'cpu-prof': { type: 'boolean', default: false },
  'keep-data': { type: 'boolean', default: false },
  /** a webhook destination to a closed port (a backend that is down) for the bench company */
  'notify-down': { type: 'boolean', default: false },
  /** every driver also sends a heartbeat with a changing battery this often (s); 0: none */
  'heartbeat-every': { type: 'string', default: '0' },
  /** the server's `synchronous` level (README "What an acknowledgement guarantees") */
  durability: { type: 'string', default: 'full' },
  /** the bare ws relay instead of FleetDesk */
  reference: { type: 'boolean', default: false },
  /** OsmAnd phones posting one fix a second over HTTP (FleetDesk only) */
  phones: { type: 'string', default: '0' },
  /** minutes of 1 Hz history every driver already has in the database before the load (soak.ts) */
  history: { type: 'string', default: '0' },
} as const;

function parseOptions() {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const args = parseOptions();

function intArg(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max}\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const N = intArg('drivers', args.drivers, 1, 50_000);
const M = intArg('offices', args.offices, 0, 1_000);
const DURATION_S = intArg('duration', args.duration, 1, 3_600);
const WARMUP_S = intArg('warmup', args.warmup, 0, 600);
const RAMP_BATCH = intArg('ramp-batch', args['ramp-batch'], 1, 10_000);
const TOTAL_SEQS = WARMUP_S + DURATION_S;
const HEARTBEAT_EVERY = intArg('heartbeat-every', args['heartbeat-every'], 0, 3_600);
const DURABILITY = args.durability;
const REFERENCE = args.reference;
const PHONES = intArg('phones', args.phones, 0, 1_000);
const HISTORY_MIN = intArg('history', args.history, 0, 24 * 60);
if (REFERENCE && (PHONES > 0 || args['notify-down'] || HEARTBEAT_EVERY > 0)) {
  console.error(`--reference takes no --phones, --notify-down or --heartbeat-every\n${USAGE}`);
  process.exit(2);
}
if (DURABILITY !== 'full' && DURABILITY !== 'normal') {
  console.error(`--durability is full or normal\n${USAGE}`);
  process.exit(2);
}

const COMPANY = 'bench';
const CONNECT_TIMEOUT_MS = 15_000;
const CHILD_READY_TIMEOUT_MS = 30_000;
const DRAIN_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 30_000;
/** Never send one driver's updates closer together than this (the server allows 900 ms). */
const MIN_CLIENT_GAP_MS = 950;
/** Everything, start to finish, must fit in this or the run is abandoned. */
const WATCHDOG_MS = (TOTAL_SEQS + 240 + Math.ceil((N + M) / 50)) * 1000;

const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;

/** Whole-machine CPU time (all cores), ms, from /proc/stat; null off Linux. */
function machineCpu(): { busyMs: number; totalMs: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const tick = 1000 / 100; // USER_HZ
    return { busyMs: (total - idle) * tick, totalMs: total * tick };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- provisioning

interface Provisioned {
  dataDir: string;
  driverIds: string[];
  driverTokens: string[];
  officeIds: string[];
  officeTokens: string[];
  /** an admin's token, for the destination of --notify-down */
  adminToken: string | null;
  /** device keys of the --phones OsmAnd phones */
  phoneKeys: string[];
}

/** rows the database held before the load (--history), left out of the persistence check */
let prefilledRows = 0;

/**
 * `--history M`: every driver gets M minutes of 1 Hz fixes ending a minute before now, written
 * through the real PositionStore, so the load starts on a database in its steady layout (one
 * index leaf page per device, as after a fleet's first minutes) rather than an empty one.
 */
function prefillHistory(db: Db, accounts: Accounts, driverIds: string[]): void {
  const started = performance.now();
  const store = new PositionStore(db);
  const pks = driverIds.map((id) => accounts.users.get(COMPANY, id)!.pk);
  const end = Date.now() - 60_000;
  const seconds = HISTORY_MIN * 60;
  const insertSecond = db.transaction((t: number, k: number) => {
    for (let i = 0; i < pks.length; i++) {
      const fix: PositionRecord = { deviceTime: t + i, serverTime: t + i, lat: 9.01 + i * 1e-5 + k * 1e-6, lng: 38.75, speed: 30, bearing: 0, accuracy: 5, altitude: null };
      if (store.insert(pks[i] as number, fix, 'ws')) prefilledRows++;
    }
  });
  for (let k = 0; k < seconds; k++) insertSecond(end - (seconds - k) * 1000, k);
  log(`history: ${prefilledRows} fixes (${HISTORY_MIN} min for each of ${pks.length} drivers) in ${Math.round(performance.now() - started)} ms`);
}

async function provision(): Promise<Provisioned> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-bench-'));
  const db = openDatabase(dataDir);
  try {
    const accounts: Accounts = accountsOn(db, dataDir);
    addCompany(accounts, 'Bench Logistics', COMPANY);
    accounts.companies.update(COMPANY, { max_connections: N + M + 100 });
    const driverIds = Array.from({ length: N }, (_, i) => `DR_${i}`);
    const officeIds = Array.from({ length: M }, (_, i) => `OF_${i}`);
    // addUser is async only for password hashing; nobody else touches the file yet, so one
    // transaction around the awaits is safe and keeps provisioning of thousands of users quick.
    db.exec('BEGIN');
    for (const id of driverIds) await addUser(accounts, { companyId: COMPANY, userId: id, role: 'driver', vehicle_plate: `B-${id}` });
    for (const id of officeIds) await addUser(accounts, { companyId: COMPANY, userId: id, role: 'office', display_name: `Dispatcher ${id}` });
    if (args['notify-down']) await addUser(accounts, { companyId: COMPANY, userId: 'ADMIN', role: 'admin' });
    for (let k = 0; k < PHONES; k++) await addUser(accounts, { companyId: COMPANY, userId: `PH_${k}`, role: 'driver' });
    db.exec('COMMIT');
    if (HISTORY_MIN > 0) prefillHistory(db, accounts, driverIds);
    const phoneKeys = accounts.users
      .list(COMPANY, 'driver')
      .filter((u) => u.user_id.startsWith('PH_'))
      .map((u) => u.device_key);
    const ttl = 3600 + TOTAL_SEQS * 2;
    return {
      dataDir,
      driverIds,
      driverTokens: driverIds.map((id) => issueToken(accounts, COMPANY, id, ttl).token),
      officeIds,
      officeTokens: officeIds.map((id) => issueToken(accounts, COMPANY, id, ttl).token),
      adminToken: args['notify-down'] ? issueToken(accounts, COMPANY, 'ADMIN', ttl).token : null,
      phoneKeys,
    };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------- server child

interface ServerHandle {
  child: ChildProcess;
  port: number;
  pid: number;
  samples: ServerSample[];
  rssPeak: number;
  next<T extends FromServer['type']>(type: T, timeoutMs: number): Promise<Extract<FromServer, { type: T }>>;
  command(c: ToServer): void;
}

async function startServer(dataDir: string, profDir: string | null): Promise<ServerHandle> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const execArgv = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  if (profDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${profDir}`);
  const script = REFERENCE ? path.join(here, 'reference', 'ws-relay.ts') : path.join(here, 'bench-server.ts');
  const child = await forkBundled(script, [dataDir, DURABILITY], execArgv);
  const samples: ServerSample[] = [];
  const waiters: { type: string; resolve: (m: FromServer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  const handle: ServerHandle = {
    child,
    port: 0,
    pid: child.pid ?? 0,
    samples,
    rssPeak: 0,
    next: (type, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.findIndex((w) => w.timer === timer), 1);
          reject(new Error(`server child: no "${type}" message within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push({ type, resolve: resolve as (m: FromServer) => void, reject, timer });
      }),
    command: (c) => {
      if (child.connected) child.send(c);
    },
  };
  child.on('message', (m: FromServer) => {
    if (m.type === 'sample') {
      samples.push(m);
      handle.rssPeak = Math.max(handle.rssPeak, m.rssBytes);
    } else if (m.type === 'stopped') {
      handle.rssPeak = Math.max(handle.rssPeak, m.rssBytes);
    }
    if (m.type === 'failed') log(`server child failed: ${m.message}`);
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i]!;
      if (w.type === m.type || m.type === 'failed') {
        waiters.splice(i, 1);
        clearTimeout(w.timer);
        if (m.type === 'failed') w.reject(new Error(`server child failed: ${m.message}`));
        else w.resolve(m);
        i--;
      }
    }
  });
  child.on('exit', (code, signal) => {
    for (const w of waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error(`server child exited (code ${code}, signal ${signal}) while waiting for "${w.type}"`));
    }
  });
  return handle.next('ready', CHILD_READY_TIMEOUT_MS).then((m) => {
    handle.port = m.port;
    handle.pid = m.pid;
    return handle;
  });
}

// ---------------------------------------------------------------- measurements

/**
 * Latency samples kept whole (exact percentiles). Sized up front for what the run will record:
 * doubling a buffer of millions mid-run (a 30-minute soak reaches 16 million at minute 28) stalls
 * the load generator for a few hundred ms, which would show up as the server's latency.
 */
class Samples {
  private buf: Float64Array;
  private n = 0;
  constructor(expected = 1024) {
    this.buf = new Float64Array(Math.max(1024, Math.ceil(expected)));
  }
  add(v: number): void {
    if (this.n === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.n++] = v;
  }
  summary(): { min: number; p50: number; p90: number; p99: number; max: number; mean: number; samples: number } | null {
    if (this.n === 0) return null;
    const s = this.buf.slice(0, this.n).sort();
    const q = (p: number) => s[Math.min(this.n - 1, Math.max(0, Math.ceil((p / 100) * this.n) - 1))] as number;
    let sum = 0;
    for (const v of s) sum += v;
    return { min: r2(s[0] as number), p50: r2(q(50)), p90: r2(q(90)), p99: r2(q(99)), max: r2(s[this.n - 1] as number), mean: r2(sum / this.n), samples: this.n };
  }
}

/**
 * A minute's latencies as a histogram with 0.1 % wide bins (0.001 ms to ~100 s), so the minute's
 * line costs a scan of 18,000 counters instead of sorting every sample: sorting a minute of
 * 10,000 drivers × 5 offices (3 million samples) stalled the load generator ~300 ms each
 * minute, which then showed as the server's latency and, when the late sends arrived together,
 * as its loop lag. Its percentiles are within 0.1 % of the exact ones.
 */
class MinuteHistogram {
  private static readonly GROWTH = Math.log(1.001);
  private static readonly FLOOR_MS = 0.001;
  private readonly bins = new Uint32Array(Math.ceil(Math.log(1e8) / MinuteHistogram.GROWTH) + 1);
  private n = 0;
  add(v: number): void {
    const i = v <= MinuteHistogram.FLOOR_MS ? 0 : Math.min(this.bins.length - 1, Math.floor(Math.log(v / MinuteHistogram.FLOOR_MS) / MinuteHistogram.GROWTH));
    this.bins[i]!++;
    this.n++;
  }
  /** the bin's geometric middle */
  private value(i: number): number {
    return MinuteHistogram.FLOOR_MS * Math.exp((i + 0.5) * MinuteHistogram.GROWTH);
  }
  summary(): { p50: number; p99: number; samples: number } | null {
    if (this.n === 0) return null;
    const ranks = [Math.ceil(0.5 * this.n), Math.ceil(0.99 * this.n)];
    const found: number[] = [];
    let seen = 0;
    for (let i = 0; i < this.bins.length && found.length < ranks.length; i++) {
      seen += this.bins[i]!;
      while (found.length < ranks.length && seen >= ranks[found.length]!) found.push(r2(this.value(i)));
    }
    return { p50: found[0]!, p99: found[1]!, samples: this.n };
  }
}

/** Counters; `win*` only count what happened inside the measured window. */
const stats = {
  sent: 0,
  acked: 0,
  duplicateAcks: 0,
  delivered: 0,
  unmatchedDeliveries: 0,
  winSent: 0,
  winAcked: 0,
  winDelivered: 0,
  skippedNotConnected: 0,
  deferredSends: 0,
  errors: {} as Record<string, number>,
  winErrors: {} as Record<string, number>,
  unexpectedCloses: {} as Record<string, number>,
  connectFailures: 0,
};
const latency = new Samples(N * M * DURATION_S * 1.01); // driver send → office receive, seqs of the measured window
let minuteLatency = new MinuteHistogram(); // the same, for the current minute of the window
/** per second of the schedule (seq): worst driver→office latency and errors, to spot periodic stalls */
const maxLatencyBySeq = new Float64Array(TOTAL_SEQS);
const errorsBySeq = new Uint32Array(TOTAL_SEQS);
/** client-side spacing (ms) between a RateLimited update and the same driver's previous one */
const rateLimitedGaps = new Samples();
const ackLatency = new Samples(N * DURATION_S * 1.01); // driver send → ack, seqs of the measured window
let inWindow = false;
let closingClients = false;

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

// ---------------------------------------------------------------- drivers

/** send time (performance.now()) per (driver, seq); NaN = not sent */
const sendAt = new Float64Array(N * TOTAL_SEQS).fill(NaN);
/** 1 once the (driver, seq) was acked */
const ackedFlags = new Uint8Array(N * TOTAL_SEQS);
/** offset of each driver inside the second, ms (integer: device times stay whole ms) */
const offsetMs = Int32Array.from({ length: N }, (_, i) => Math.floor((i * 1000) / N));
const lat = new Float64Array(N);
const lng = new Float64Array(N);
const speedKmh = new Float64Array(N);
const bearing = new Float64Array(N);
const lastSend = new Float64Array(N).fill(-Infinity);
const driverSockets: (WebSocket | null)[] = new Array(N).fill(null);
const officeSockets: WebSocket[] = [];
/** epoch ms and performance.now() of second 0 of the schedule */
let t0Epoch = 0;
let t0Perf = 0;
const measuredSeq = (seq: number): boolean => seq >= WARMUP_S && seq < TOTAL_SEQS;

// Addis Ababa, the seed's example city; drivers start within ~10 km of the centre.
for (let i = 0; i < N; i++) {
  lat[i] = 9.01 + (Math.random() - 0.5) * 0.18;
  lng[i] = 38.75 + (Math.random() - 0.5) * 0.18;
  speedKmh[i] = 20 + Math.random() * 50;
  bearing[i] = Math.random() * 360;
}

function move(i: number): void {
  let s = (speedKmh[i] as number) + (Math.random() - 0.5) * 6;
  s = Math.min(110, Math.max(0, s));
  speedKmh[i] = s;
  bearing[i] = ((((bearing[i] as number) + (Math.random() - 0.5) * 10) % 360) + 360) % 360;
  const d = s / 3.6; // metres in one second
  const rad = ((bearing[i] as number) * Math.PI) / 180;
  lat[i] = (lat[i] as number) + (d * Math.cos(rad)) / 111_320;
  lng[i] = (lng[i] as number) + (d * Math.sin(rad)) / (111_320 * Math.cos(((lat[i] as number) * Math.PI) / 180));
}

function sendLocation(i: number, seq: number, now: number): void {
  const ws = driverSockets[i];
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    stats.skippedNotConnected++;
    return;
  }
  move(i);
  const msg = {
    action: 'driver_location',
    id: `DR_${i}`,
    seq,
    payload: {
      lat: Math.round((lat[i] as number) * 1e6) / 1e6,
      lng: Math.round((lng[i] as number) * 1e6) / 1e6,
      speed: Math.round((speedKmh[i] as number) * 10) / 10,
      bearing: Math.round(bearing[i] as number),
      accuracy: 5,
      // device time of the fix: exactly the scheduled second, so an office can find the seq
      timestamp: t0Epoch + (offsetMs[i] as number) + seq * 1000,
    },
  };
  sendAt[i * TOTAL_SEQS + seq] = now;
  lastSend[i] = now;
  stats.sent++;
  if (inWindow) stats.winSent++;
  ws.send(JSON.stringify(msg));
  if (HEARTBEAT_EVERY > 0 && (seq + i) % HEARTBEAT_EVERY === 0) {
    ws.send(JSON.stringify({ action: 'heartbeat', id: `DR_${i}`, payload: { battery: 100 - ((seq + i) % 100), connection: 'mobile', gps: 'granted', duty: true } }));
  }
}

function onDriverMessage(i: number, data: WebSocket.RawData): void {
  const now = performance.now();
  const m = JSON.parse(data.toString()) as { type: string; seq?: number; error?: string };
  if (m.type === 'ack' && typeof m.seq === 'number') {
    const k = i * TOTAL_SEQS + m.seq;
    if (ackedFlags[k]) {
      stats.duplicateAcks++;
      return;
    }
    ackedFlags[k] = 1;
    stats.acked++;
    if (inWindow) stats.winAcked++;
    if (measuredSeq(m.seq)) ackLatency.add(now - (sendAt[k] as number));
  } else if (m.type === 'error') {
    const code = m.error ?? 'unknown';
    bump(stats.errors, code);
    if (inWindow) bump(stats.winErrors, code);
    if (typeof m.seq === 'number' && m.seq < TOTAL_SEQS) {
      errorsBySeq[m.seq]!++;
      // How far apart this driver really sent the refused update and the one before it.
      if (code === 'RateLimited' && m.seq > 0) rateLimitedGaps.add((sendAt[i * TOTAL_SEQS + m.seq] as number) - (sendAt[i * TOTAL_SEQS + m.seq - 1] as number));
    }
    if (stats.errors[code] === 1) log(`first ${code} error: ${data.toString().slice(0, 200)}`);
  }
}

function onOfficeMessage(data: WebSocket.RawData): void {
  const now = performance.now();
  const m = JSON.parse(data.toString()) as { type: string; id?: string; error?: string; payload?: { timestamp?: string } };
  if (m.type === 'location_update') {
    stats.delivered++;
    if (inWindow) stats.winDelivered++;
    const i = Number(m.id?.slice(3));
    const dt = Date.parse(m.payload?.timestamp ?? '');
    const seq = (dt - t0Epoch - (offsetMs[i] ?? 0)) / 1000;
    if (!Number.isInteger(i) || i < 0 || i >= N || !Number.isInteger(seq) || seq < 0 || seq >= TOTAL_SEQS) {
      stats.unmatchedDeliveries++;
      return;
    }
    const l = now - (sendAt[i * TOTAL_SEQS + seq] as number);
    if (l > (maxLatencyBySeq[seq] as number)) maxLatencyBySeq[seq] = l;
    if (measuredSeq(seq)) {
      latency.add(l);
      minuteLatency.add(l);
    }
  } else if (m.type === 'error') {
    bump(stats.errors, `office:${m.error}`);
  }
}

/**
 * Sends every driver's update at t0 + offset_i + seq·1000 ms: a cursor walks (seq, driver) in
 * due order; a driver whose previous send was under MIN_CLIENT_GAP_MS ago (the client's own
 * timers ran late) is deferred rather than sent early.
 */
function runSchedule(): Promise<void> {
  return new Promise((resolve) => {
    let seq = 0;
    let i = 0;
    const deferred: { i: number; seq: number }[] = [];
    const due = () => t0Perf + (offsetMs[i] as number) + seq * 1000;
    const tick = () => {
      const now = performance.now();
      while (deferred.length > 0 && now - (lastSend[deferred[0]!.i] as number) >= MIN_CLIENT_GAP_MS) {
        const d = deferred.shift()!;
        sendLocation(d.i, d.seq, now);
      }
      while (seq < TOTAL_SEQS && due() <= now) {
        if (now - (lastSend[i] as number) < MIN_CLIENT_GAP_MS) {
          stats.deferredSends++;
          deferred.push({ i, seq });
        } else sendLocation(i, seq, now);
        if (++i === N) {
          i = 0;
          seq++;
        }
      }
      if (seq >= TOTAL_SEQS && deferred.length === 0) return resolve();
      const wait = seq < TOTAL_SEQS ? due() - performance.now() : 5;
      setTimeout(tick, Math.max(0, wait));
    };
    tick();
  });
}

// ---------------------------------------------------------------- connections

function connect(url: string, userId: string, role: 'driver' | 'office', token: string, onMessage: (d: WebSocket.RawData) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: CONNECT_TIMEOUT_MS });
    let ready = false;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${userId}: not ready within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    ws.on('open', () => {
      ws.send(JSON.stringify({ action: 'authenticate', payload: { user_id: userId, role, token } }));
      if (role === 'office') ws.send(JSON.stringify({ action: 'subscribe', entity: COMPANY_DRIVERS }));
    });
    ws.on('message', (data) => {
      if (ready) return onMessage(data);
      const m = JSON.parse(data.toString()) as { type: string };
      const done = role === 'office' ? m.type === 'subscribed' : m.type === 'authenticated';
      if (m.type === 'error') {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`${userId}: ${data.toString().slice(0, 200)}`));
      } else if (done) {
        ready = true;
        clearTimeout(timer);
        resolve(ws);
      }
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${userId}: closed with ${code} before it was ready`));
      else if (!closingClients) {
        bump(stats.unexpectedCloses, String(code));
        if (Object.values(stats.unexpectedCloses).reduce((a, b) => a + b, 0) <= 5) log(`${userId} closed by the server with code ${code}`);
      }
    });
  });
}

async function connectAll(url: string, p: Provisioned): Promise<number> {
  const t = performance.now();
  for (let k = 0; k < M; k++) {
    officeSockets.push(await connect(url, p.officeIds[k]!, 'office', p.officeTokens[k]!, onOfficeMessage));
  }
  for (let start = 0; start < N; start += RAMP_BATCH) {
    const batch: Promise<void>[] = [];
    for (let i = start; i < Math.min(N, start + RAMP_BATCH); i++) {
      batch.push(
        connect(url, p.driverIds[i]!, 'driver', p.driverTokens[i]!, (d) => onDriverMessage(i, d)).then(
          (ws) => {
            driverSockets[i] = ws;
          },
          (err: Error) => {
            stats.connectFailures++;
            if (stats.connectFailures <= 5) log(`connect failed: ${err.message}`);
          },
        ),
      );
    }
    await Promise.all(batch);
    if ((start / RAMP_BATCH) % 5 === 4) log(`connected ${Math.min(N, start + RAMP_BATCH)}/${N} drivers`);
  }
  return performance.now() - t;
}

async function closeAll(): Promise<void> {
  closingClients = true;
  const all = [...officeSockets, ...driverSockets.filter((w): w is WebSocket => w !== null)];
  await Promise.all(
    all.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          const t = setTimeout(() => {
            ws.terminate();
            resolve();
          }, 5000);
          ws.once('close', () => {
            clearTimeout(t);
            resolve();
          });
          ws.close(1000, 'bench done');
        }),
    ),
  );
}

// ---------------------------------------------------------------- a backend that is down

async function adminApi(port: number, token: string, method: string, pathname: string, body?: unknown): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json: unknown = await res.json();
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A webhook destination for every event of the company, to a port where nothing listens. */
async function destinationDown(port: number, token: string): Promise<{ id: string }> {
  const closed = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const d = (await adminApi(port, token, 'POST', '/api/v1/destinations', { name: 'Backend (down)', provider: 'webhook', settings: { url: `http://127.0.0.1:${closed}/hook` } })) as { id: string };
  log(`notifications: destination ${d.id} → http://127.0.0.1:${closed}/hook (nothing listens)`);
  return d;
}

async function destinationHealth(port: number, token: string, id: string): Promise<unknown> {
  const d = (await adminApi(port, token, 'GET', `/api/v1/destinations/${id}`)) as { health: { pending: number; last_error: string | null; failing_since: string | null } };
  const head = (await adminApi(port, token, 'GET', `/api/v1/deliveries?destination=${id}&limit=1`)) as { deliveries: { attempts: number }[] };
  return { pending: d.health.pending, failingSince: d.health.failing_since, lastError: d.health.last_error, headAttempts: head.deliveries[0]?.attempts ?? 0 };
}

// ---------------------------------------------------------------- OsmAnd phones (--phones)

/**
 * answers other than 200 are counted by status ("network <code>" for a failed request);
 * `retried`: requests sent again because a kept-alive connection was closed by the server just as
 * they went out on it, as the phones' HTTP clients do (OkHttp retries a stale pooled connection;
 * Node's docs give the same rule for `request.reusedSocket`)
 */
const phoneStats = { ok: 0, failed: 0, retried: 0, failures: {} as Record<string, number> };

/**
 * Each phone POSTs an OsmAnd fix every second over a keep-alive agent until stopped; stopping
 * waits (up to 5 s) for the requests in flight, which closing the agent would cut (counted as
 * "network" failures that were the benchmark's own).
 */
function startPhones(port: number, keys: string[]): () => Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(1, keys.length) });
  let inFlight = 0;
  const post = (body: string, mayRetry: boolean): void => {
    inFlight++;
    let settled = false;
    const settle = () => {
      if (!settled) inFlight--;
      settled = true;
    };
    const req = http.request({ host: '127.0.0.1', port, path: '/osmand', method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('close', settle);
      if (res.statusCode === 200) phoneStats.ok++;
      else {
        phoneStats.failed++;
        bump(phoneStats.failures, String(res.statusCode));
      }
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      settle();
      // the server closed an idle kept-alive connection as this request went out on it: once more, on a new one
      if (mayRetry && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
        phoneStats.retried++;
        post(body, false);
        return;
      }
      phoneStats.failed++;
      bump(phoneStats.failures, `network ${err.code ?? err.message}`);
      log(`phone: request failed: ${err.code ?? ''} ${err.message}`);
    });
    req.end(body);
  };
  const timers = keys.map((key, k) => {
    let n = 0;
    const lat0 = 9.01 + k * 1e-3;
    return setInterval(() => {
      n++;
      post(`id=${key}&timestamp=${Math.floor(Date.now() / 1000)}&lat=${(lat0 + n * 1e-5).toFixed(6)}&lon=${(38.75 + n * 1e-5).toFixed(6)}&speed=10&bearing=90&accuracy=5`, true);
    }, 1000);
  });
  return async () => {
    for (const t of timers) clearInterval(t);
    const until = performance.now() + 5_000;
    while (inFlight > 0 && performance.now() < until) await sleep(10);
    agent.destroy();
  };
}

// ---------------------------------------------------------------- per minute (soak)

interface MinuteFigures {
  minute: number;
  rssMb: number;
  heapUsedMb: number;
  /** V8's committed heap, and RSS minus it (SQLite's cache, sockets, Buffers, the allocator) */
  heapCommittedMb: number;
  /** of heapCommittedMb, V8's young generation */
  newSpaceMb: number;
  restMb: number;
  /** of restMb: V8's own malloc (remembered sets, compiler zones), and Buffers and other memory V8 only points at */
  v8MallocedMb: number;
  externalMb: number;
  loopLagMaxMs: number;
  /** the server's CPU in the minute (all its threads), % of one core: beside latency, whether the work per update grew */
  cpuPct: number | null;
  /** this load generator's own CPU in the minute, % of one core: a busier generator measures later arrivals */
  clientCpuPct: number;
  /** the longest GC pause in the minute: beside loopLagMaxMs, whether a lag spike was a collection */
  gcPauseMaxMs: number;
  /** the group commit's longest transaction in the minute (the WAL checkpoint SQLite runs in a commit included) */
  commitMaxMs: number;
  /** its mean transaction in the minute, fsync included (null: none, a reference): beside p50, whether storing a batch grew slower */
  commitMeanMs: number | null;
  /** what the event loop's thread read from the disk in the minute (pages the OS's cache no longer held), KB; Linux only */
  diskReadKb: number;
  /**
   * From the server's /proc/<pid>/smaps, read by this process (not the server's thread) at the
   * minute's end (smaps-split.ts): V8's 256 KiB heap pages resident, and the untouched rest of
   * the committed ones, which RSS can still grow into without V8 committing more; glibc's main
   * heap. null where there is no /proc (not Linux).
   */
  v8PagesResidentMb: number | null;
  v8PagesUntouchedMb: number | null;
  mallocHeapMb: number | null;
  /** other anonymous memory: glibc's thread arenas (the track thread's SQLite cache, sockets' buffers), thread stacks, V8's code */
  otherAnonMb: number | null;
  /** the track thread's own V8 heap committed and V8's malloc there at the minute's end, and the most fixes one trip job read in the minute (null: no thread yet) */
  threadHeapMb: number | null;
  threadMallocedMb: number | null;
  threadLargestJobFixes: number | null;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

/** the server's resident memory by where it lives, or null without /proc (or once it has exited) */
function serverPages(pid: number): ReturnType<typeof splitSmaps> | null {
  try {
    return splitSmaps(fs.readFileSync(`/proc/${pid}/smaps`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * One line per minute of the window: the server's last RSS and heap, its worst loop lag, and
 * latency. The window's end reports the last minute (the timer and the end coincide).
 */
function minuteReporter(srv: ServerHandle): { stop(): MinuteFigures[] } {
  const minutes: MinuteFigures[] = [];
  let fromSample = srv.samples.length;
  let diskReadBefore = srv.samples.at(-1)?.diskReadBytes ?? 0;
  let cpuBefore = srv.samples.at(-1) ?? null;
  let clientCpuBefore = process.cpuUsage();
  let clientWallBefore = performance.now();
  let lastReport = performance.now();
  const report = (): void => {
    lastReport = performance.now();
    const recent = srv.samples.slice(fromSample);
    fromSample = srv.samples.length;
    const last = recent.at(-1);
    const lat = minuteLatency.summary();
    minuteLatency = new MinuteHistogram();
    const pages = serverPages(srv.pid);
    const m: MinuteFigures = {
      minute: minutes.length + 1,
      rssMb: last ? mb(last.rssBytes) : 0,
      heapUsedMb: last ? mb(last.heapUsedBytes) : 0,
      heapCommittedMb: last ? mb(last.heapTotalBytes) : 0,
      newSpaceMb: last ? mb(last.newSpaceBytes) : 0,
      restMb: last ? mb(last.rssBytes - last.heapTotalBytes) : 0,
      v8MallocedMb: last ? mb(last.v8MallocedBytes) : 0,
      externalMb: last ? mb(last.externalBytes) : 0,
      loopLagMaxMs: recent.reduce((a, x) => Math.max(a, x.loopLagMaxMs), 0),
      cpuPct: last && cpuBefore && last.at > cpuBefore.at ? Math.round(((last.cpuMicros - cpuBefore.cpuMicros) / 1000 / (last.at - cpuBefore.at)) * 1000) / 10 : null,
      clientCpuPct: (() => {
        const used = process.cpuUsage(clientCpuBefore);
        const pct = Math.round(((used.user + used.system) / 1000 / (performance.now() - clientWallBefore)) * 1000) / 10;
        clientCpuBefore = process.cpuUsage();
        clientWallBefore = performance.now();
        return pct;
      })(),
      gcPauseMaxMs: recent.reduce((a, x) => Math.max(a, x.gcPauseMaxMs), 0),
      commitMaxMs: recent.reduce((a, x) => Math.max(a, x.commitMaxMs), 0),
      commitMeanMs: (() => {
        const count = recent.reduce((a, x) => a + x.commits, 0);
        return count === 0 ? null : Math.round((recent.reduce((a, x) => a + x.commitTotalMs, 0) / count) * 1000) / 1000;
      })(),
      diskReadKb: last ? Math.round((last.diskReadBytes - diskReadBefore) / 1024) : 0,
      v8PagesResidentMb: pages?.v8ResidentMb ?? null,
      v8PagesUntouchedMb: pages?.v8UntouchedMb ?? null,
      mallocHeapMb: pages?.mallocHeapMb ?? null,
      otherAnonMb: pages?.otherAnonMb ?? null,
      threadHeapMb: last?.threadHeapTotalBytes == null ? null : mb(last.threadHeapTotalBytes),
      threadMallocedMb: last?.threadMallocedBytes == null ? null : mb(last.threadMallocedBytes),
      threadLargestJobFixes: recent.some((x) => x.threadLargestJobFixes !== null) ? recent.reduce((a, x) => Math.max(a, x.threadLargestJobFixes ?? 0), 0) : null,
      latencyP50Ms: lat?.p50 ?? null,
      latencyP99Ms: lat?.p99 ?? null,
    };
    if (last) {
      diskReadBefore = last.diskReadBytes;
      cpuBefore = last;
    }
    minutes.push(m);
    log(`minute ${m.minute}: rss ${m.rssMb} MB (heap committed ${m.heapCommittedMb} of which young ${m.newSpaceMb}, the rest ${m.restMb}: V8's malloc ${m.v8MallocedMb}, external ${m.externalMb}${m.v8PagesResidentMb === null ? '' : `; V8's pages resident ${m.v8PagesResidentMb}, untouched ${m.v8PagesUntouchedMb}, malloc heap ${m.mallocHeapMb}, other anonymous ${m.otherAnonMb}`}${m.threadHeapMb === null ? '' : `; track thread's heap ${m.threadHeapMb}, its V8 malloc ${m.threadMallocedMb}, largest job ${m.threadLargestJobFixes} fixes`}), heap used ${m.heapUsedMb} MB, CPU ${m.cpuPct} % of a core (the load generator ${m.clientCpuPct}), loop lag max ${m.loopLagMaxMs} ms (longest GC ${m.gcPauseMaxMs} ms, longest commit ${m.commitMaxMs} ms, mean ${m.commitMeanMs}, ${m.diskReadKb} KB read from disk), latency p50 ${m.latencyP50Ms} ms p99 ${m.latencyP99Ms} ms`);
  };
  const timer = setInterval(report, 60_000);
  return {
    stop: () => {
      clearInterval(timer);
      if (performance.now() - lastReport >= 30_000) report();
      return minutes;
    },
  };
}

// ---------------------------------------------------------------- main

/** the running server child and the data folder, for the watchdog and the failure path */
let server: ServerHandle | null = null;
let dataDirToRemove: string | null = null;

function abandon(code: number): never {
  server?.child.kill('SIGKILL');
  if (dataDirToRemove && !args['keep-data']) fs.rmSync(dataDirToRemove, { recursive: true, force: true });
  process.exit(code);
}

const LOOP_RESOLUTION_MS = 10;

/** Once a second: [seconds, RSS MB, V8 heap used MB, external (Buffers) MB, worst event-loop lag in that second ms, V8 heap committed MB]. */
function rssTimeline(samples: ServerSample[]): [number, number, number, number, number, number][] {
  const t0 = samples[0]?.at ?? 0;
  const out: [number, number, number, number, number, number][] = [];
  for (const x of samples) {
    const sec = Math.round((x.at - t0) / 1000);
    const last = out.at(-1);
    if (last && last[0] === sec) last[4] = Math.max(last[4], x.loopLagMaxMs);
    else out.push([sec, mb(x.rssBytes), mb(x.heapUsedBytes), mb(x.externalBytes), x.loopLagMaxMs, mb(x.heapTotalBytes)]);
  }
  return out;
}

function slopeInWindow(samples: ServerSample[], [from, to]: number[], value: (x: ServerSample) => number): { mbPerMin: number; stdErr: number; withinNoise: boolean } {
  const fit = fitLine(samples.filter((x) => x.at >= (from as number) && x.at <= (to as number)).map((x) => [(x.at - (from as number)) / 60_000, mb(value(x))] as const));
  return { mbPerMin: r2(fit.slope), stdErr: r2(fit.slopeStdErr), withinNoise: fit.withinNoise };
}

function loopDelayOf(h: ReturnType<typeof monitorEventLoopDelay>, utilization: number): LoopDelay {
  const lag = (ns: number) => r2(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS));
  return { lagP50Ms: lag(h.percentile(50)), lagP99Ms: lag(h.percentile(99)), lagMaxMs: lag(h.max), utilization: r2(utilization) };
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    log(`watchdog: the run took over ${WATCHDOG_MS / 1000} s; abandoning`);
    abandon(3);
  }, WATCHDOG_MS);
  watchdog.unref();

  log(`provisioning 1 company, ${N} drivers, ${M} offices`);
  const p = await provision();
  dataDirToRemove = p.dataDir;
  const profDir = args['cpu-prof'] ? fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-bench-prof-')) : null;
  const srv = await startServer(p.dataDir, profDir);
  server = srv;
  const wsUrl = `ws://127.0.0.1:${srv.port}${TRACK_PATH}`;
  log(`server pid ${srv.pid} on ${wsUrl}; data in ${p.dataDir}`);
  const notify = args['notify-down'] ? await destinationDown(srv.port, p.adminToken!) : null;

  const rampMs = await connectAll(wsUrl, p);
  const connectedDrivers = driverSockets.filter((w) => w !== null).length;
  log(`connected ${connectedDrivers} drivers and ${officeSockets.length} offices in ${Math.round(rampMs)} ms`);
  await srv.next('sample', 2000); // a fresh sample, so a quick ramp still has an RSS after it
  const rssAfterRamp = srv.samples.at(-1)?.rssBytes ?? 0;
  const heapAfterRamp = srv.samples.at(-1)?.heapUsedBytes ?? 0;

  /** Date.now() at the window's start and end (the server's samples carry the same clock) */
  const windowAt = [0, 0];

  // Schedule: second 0 starts shortly; the window covers seqs WARMUP_S … TOTAL_SEQS-1.
  await sleep(200);
  t0Epoch = Date.now() + 100;
  t0Perf = performance.now() + (t0Epoch - Date.now());

  const clientLoop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  let minutes: MinuteFigures[] = [];
  let perMinute: ReturnType<typeof minuteReporter> | null = null;
  const stopPhones = PHONES > 0 ? startPhones(srv.port, p.phoneKeys) : async () => {};
  let clientCpu = process.cpuUsage();
  let clientElu = performance.eventLoopUtilization();
  let clientWall = performance.now();
  let machine0 = machineCpu();
  const windowDone = new Promise<{ server: Extract<FromServer, { type: 'window' }>; clientCpuMs: number; clientWallMs: number; clientLoop: LoopDelay; machineBusyMs: number | null }>(
    (resolve, reject) => {
      const begin = () => {
        windowAt[0] = Date.now();
        inWindow = true;
        clientCpu = process.cpuUsage();
        clientElu = performance.eventLoopUtilization();
        clientWall = performance.now();
        machine0 = machineCpu();
        clientLoop.enable();
        minuteLatency = new MinuteHistogram();
        perMinute = minuteReporter(srv);
        srv.command({ cmd: 'window-start' });
        log(`warm-up done; measuring for ${DURATION_S} s`);
      };
      const end = () => {
        windowAt[1] = Date.now();
        inWindow = false;
        minutes = perMinute?.stop() ?? [];
        const cpu = process.cpuUsage(clientCpu);
        const machine1 = machineCpu();
        clientLoop.disable();
        const loop = loopDelayOf(clientLoop, performance.eventLoopUtilization(clientElu).utilization);
        const wall = performance.now() - clientWall;
        const reply = srv.next('window', 10_000);
        srv.command({ cmd: 'window-end' });
        reply.then(
          (m) =>
            resolve({
              server: m,
              clientCpuMs: (cpu.user + cpu.system) / 1000,
              clientWallMs: wall,
              clientLoop: loop,
              machineBusyMs: machine0 && machine1 ? machine1.busyMs - machine0.busyMs : null,
            }),
          reject,
        );
      };
      setTimeout(begin, t0Perf + WARMUP_S * 1000 - performance.now());
      setTimeout(end, t0Perf + TOTAL_SEQS * 1000 - performance.now());
    },
  );
  const progress = setInterval(() => {
    const s = srv.samples.at(-1);
    log(
      `sent ${stats.sent} acked ${stats.acked} delivered ${stats.delivered} errors ${JSON.stringify(stats.errors)} ` +
        `server rss ${s ? mb(s.rssBytes) : '?'} MB pending ${s?.writerPending ?? '?'}`,
    );
  }, 5000);

  await runSchedule();
  const win = await windowDone;
  clearInterval(progress);

  // Wait for the last acks (and with them the last fan-outs).
  const drainStart = performance.now();
  const answered = () => stats.acked + Object.entries(stats.errors).reduce((a, [k, v]) => (k.startsWith('office:') ? a : a + v), 0);
  while (answered() < stats.sent && performance.now() - drainStart < DRAIN_TIMEOUT_MS) await sleep(20);
  await sleep(300);
  const unanswered = stats.sent - answered();
  log(`load done: sent ${stats.sent}, acked ${stats.acked}, delivered ${stats.delivered}, unanswered ${unanswered}`);

  await stopPhones();
  const notifyEnd = notify ? await destinationHealth(srv.port, p.adminToken!, notify.id) : null;
  const rssEnd = srv.samples.at(-1)?.rssBytes ?? 0;
  const heapEnd = srv.samples.at(-1)?.heapUsedBytes ?? 0;
  await closeAll();
  srv.command({ cmd: 'stop' });
  const stopped = await srv.next('stopped', STOP_TIMEOUT_MS);
  await new Promise<void>((resolve) => {
    if (srv.child.exitCode !== null) return resolve();
    const t = setTimeout(() => {
      srv.child.kill('SIGKILL');
      resolve();
    }, 10_000);
    srv.child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });

  // the reference stores nothing: its persistence figures are null
  let storedRows: number | null = null;
  if (!REFERENCE) {
    const db = new Database(path.join(p.dataDir, DB_FILE), { readonly: true });
    storedRows = (db.prepare("SELECT count(*) AS n FROM positions WHERE user_pk NOT IN (SELECT pk FROM users WHERE user_id LIKE 'PH\\_%' ESCAPE '\\')").get() as { n: number }).n - prefilledRows;
    db.close();
  }
  if (!args['keep-data']) fs.rmSync(p.dataDir, { recursive: true, force: true });

  const winErrTotal = Object.values(stats.winErrors).reduce((a, b) => a + b, 0);
  const officeLatency = latency.summary();
  const pct = (cpuMs: number, wallMs: number) => (wallMs > 0 ? Math.round((cpuMs / wallMs) * 1000) / 10 : 0);
  const serverCpuPct = pct(win.server.cpuMs, win.server.wallMs);
  const clientCpuPct = pct(win.clientCpuMs, win.clientWallMs);
  const machineBusyPct = win.machineBusyMs === null ? null : pct(win.machineBusyMs, win.clientWallMs);
  const worstSeconds = Array.from({ length: DURATION_S }, (_, k) => ({
    second: k,
    maxLatencyMs: r2(maxLatencyBySeq[WARMUP_S + k] as number),
    errors: errorsBySeq[WARMUP_S + k] as number,
  }))
    .sort((a, b) => b.maxLatencyMs - a.maxLatencyMs)
    .slice(0, 3);
  const result = {
    config: {
      drivers: N,
      offices: M,
      durationS: DURATION_S,
      warmupS: WARMUP_S,
      durability: DURABILITY,
      rampBatch: RAMP_BATCH,
      updateHz: 1,
      node: process.version,
      cpus: os.cpus().length,
      server: REFERENCE ? 'reference ws relay' : 'FleetDesk',
      phones: PHONES,
      historyMinutes: HISTORY_MIN,
      historyRows: prefilledRows,
    },
    connect: { drivers: connectedDrivers, offices: officeSockets.length, failures: stats.connectFailures, rampMs: Math.round(rampMs) },
    throughput: {
      sentPerS: r2(stats.winSent / DURATION_S),
      acceptedPerS: r2(stats.winAcked / DURATION_S),
      deliveredPerS: r2(stats.winDelivered / DURATION_S),
      /** every accepted update reaching every office */
      expectedDeliveredPerS: r2((stats.winAcked * officeSockets.length) / DURATION_S),
      errorsPerS: r2(winErrTotal / DURATION_S),
    },
    latencyMs: {
      driverToOffice: officeLatency,
      driverToAck: ackLatency.summary(),
      /** seconds of the window (0-based) with the worst driver→office latency */
      worstSeconds,
    },
    errors: {
      window: stats.winErrors,
      total: stats.errors,
      unexpectedCloses: stats.unexpectedCloses,
      /** the client's own spacing of refused updates: ≥ 950 ms means the gap shrank on the way (server or network delay) */
      rateLimitedClientGapMs: rateLimitedGaps.summary(),
      clientDeferredSends: stats.deferredSends,
      skippedNotConnected: stats.skippedNotConnected,
    },
    totals: {
      sent: stats.sent,
      acked: stats.acked,
      unanswered,
      duplicateAcks: stats.duplicateAcks,
      delivered: stats.delivered,
      unmatchedDeliveries: stats.unmatchedDeliveries,
    },
    server: {
      pid: srv.pid,
      rssMb: { afterRamp: mb(rssAfterRamp), peak: mb(srv.rssPeak), end: mb(rssEnd) },
      /** once a second from the server's start to its stop: [seconds, RSS MB, heap used MB, external MB, worst loop lag ms, heap committed MB] */
      rssTimeline: rssTimeline(srv.samples),
      /** RSS over the measured window, MB per minute: still climbing? (within noise: |slope| ≤ 2 s.e.) */
      rssSlopeInWindow: slopeInWindow(srv.samples, windowAt, (x) => x.rssBytes),
      /** the same for the V8 heap's committed memory, and for the rest (RSS minus it: SQLite, sockets, Buffers, code) */
      heapCommittedSlopeInWindow: slopeInWindow(srv.samples, windowAt, (x) => x.heapTotalBytes),
      nativeSlopeInWindow: slopeInWindow(srv.samples, windowAt, (x) => x.rssBytes - x.heapTotalBytes),
      /** liveAtEnd: after a full collection once the drivers were gone: what the run left reachable */
      heapUsedMb: { afterRamp: mb(heapAfterRamp), end: mb(heapEnd), liveAtEnd: mb(stopped.heapLiveBytes) },
      cpuPctOfOneCore: serverCpuPct,
      eventLoop: win.server.loopDelay,
      writer: stopped.writer,
      stopMs: stopped.stopMs,
    },
    client: { cpuPctOfOneCore: clientCpuPct, eventLoop: win.clientLoop },
    machine: {
      busyPctOfOneCore: machineBusyPct,
      /** CPU used by other processes during the window: above ~10 % the latency figures are disturbed */
      othersPctOfOneCore: machineBusyPct === null ? null : r2(Math.max(0, machineBusyPct - serverCpuPct - clientCpuPct)),
    },
    persistence: { acked: stats.acked, storedRows, writerStored: stopped.writer.stored, ok: REFERENCE ? null : storedRows === stats.acked },
    phones: PHONES > 0 ? phoneStats : null,
    minutes,
    target: {
      drivers2000: N >= 2000,
      allConnected: stats.connectFailures === 0 && stats.skippedNotConnected === 0 && Object.keys(stats.unexpectedCloses).length === 0,
      allAccepted: Object.keys(stats.errors).length === 0 && unanswered === 0,
      allDelivered: stats.delivered - stats.unmatchedDeliveries === stats.acked * officeSockets.length,
      allPersisted: REFERENCE ? null : storedRows === stats.acked,
      p99Under50ms: officeLatency !== null && officeLatency.p99 < 50,
    },
    /** --notify-down: the destination's state at the end (events waiting, attempts, last error) */
    notify: notifyEnd,
    profileDir: profDir,
  };
  // process.exit right after a large write to a pipe cuts it (a 60-minute soak's JSON was cut at
  // 17,727 lines): the result goes out before main() resolves
  await new Promise<void>((resolve, reject) => process.stdout.write(JSON.stringify(result, null, 2) + '\n', (err) => (err ? reject(err) : resolve())));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    abandon(1);
  },
);
