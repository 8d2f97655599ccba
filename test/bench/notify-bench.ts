/**
 * `npm run bench:notify`: backend notifications through the outbox to a local webhook. Not a
 * test: it prints figures.
 *
 * A real tracking server runs in a child process (bench-server.ts) on a fresh data folder; this
 * process provisions one company with `--devices` drivers and an admin, runs a webhook receiver on
 * 127.0.0.1 and makes a webhook destination for it over REST. Events come from real activity:
 * every driver sends heartbeats over the Tracking API with a battery that changes each time, so
 * each heartbeat is one HeartbeatReceived event committed before its ack.
 *
 * 1. Steady: `--rate` events/s in all for `--duration` s. Delivered events/s, and the latency of
 *    each from its commit (the envelope's Timestamp, the event's created_at) to its receipt:
 *    p50/p99/max.
 * 2. Backlog: the destination disabled, `--backlog` events recorded, then enabled: how fast the
 *    worker drains them (events/s), the most one destination's worker can carry.
 *
 *   npm run bench:notify -- --devices 200 --rate 500 --duration 20 --backlog 20000
 *
 * One JSON object goes to stdout; progress goes to stderr.
 */
import type { ChildProcess } from 'node:child_process';
import { forkBundled } from './fork-child';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import WebSocket from 'ws';
import { addCompany, addUser, issueToken, type Accounts } from '../../main/server/accounts';
import { accountsOn } from '../../main/server/open-accounts';
import { openDatabase } from '../../main/server/store/database';
import { TRACK_PATH } from '../../shared/protocol/tracking';
import { startWebhookReceiver, type Hit } from '../support/webhook-receiver';
import type { FromServer, ServerSample, ToServer } from './ipc';

const USAGE = 'usage: npm run bench:notify -- [--devices 200] [--rate 500] [--duration 20] [--backlog 20000] [--keep-data]';
const OPTIONS = {
  devices: { type: 'string', default: '200' },
  rate: { type: 'string', default: '500' },
  duration: { type: 'string', default: '20' },
  backlog: { type: 'string', default: '20000' },
  'keep-data': { type: 'boolean', default: false },
} as const;

let args: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
try {
  args = parseArgs({ options: OPTIONS, strict: true }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
function intArg(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max}\n${USAGE}`);
    process.exit(2);
  }
  return n;
}
const DEVICES = intArg('devices', args.devices, 1, 10_000);
const RATE = intArg('rate', args.rate, 1, 100_000);
const DURATION_S = intArg('duration', args.duration, 1, 3_600);
const BACKLOG = intArg('backlog', args.backlog, 0, 1_000_000);
const COMPANY = 'bench';
const HOOK = '/hook';
const WAIT_MS = 300_000;

const log = (msg: string): void => void process.stderr.write(`[bench:notify ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const r1 = (x: number): number => Math.round(x * 10) / 10;

function summary(values: number[]): { p50: number; p90: number; p99: number; max: number; mean: number; samples: number } | null {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  return { p50: q(50), p90: q(90), p99: q(99), max: s[s.length - 1]!, mean: r1(s.reduce((a, b) => a + b, 0) / s.length), samples: s.length };
}

async function provision(dataDir: string): Promise<{ admin: string; ids: string[]; tokens: string[] }> {
  const db = openDatabase(dataDir);
  try {
    const accounts: Accounts = accountsOn(db, dataDir);
    addCompany(accounts, 'Bench Notifications', COMPANY);
    accounts.companies.update(COMPANY, { max_connections: DEVICES + 100 });
    const ids = Array.from({ length: DEVICES }, (_, i) => `DR_${i}`);
    db.exec('BEGIN');
    await addUser(accounts, { companyId: COMPANY, userId: 'ADMIN', role: 'admin' });
    for (const id of ids) await addUser(accounts, { companyId: COMPANY, userId: id, role: 'driver' });
    db.exec('COMMIT');
    return { admin: issueToken(accounts, COMPANY, 'ADMIN', 7200).token, ids, tokens: ids.map((id) => issueToken(accounts, COMPANY, id, 7200).token) };
  } finally {
    db.close();
  }
}

interface Child {
  child: ChildProcess;
  port: number;
  samples: ServerSample[];
  command(c: ToServer): void;
  next<T extends FromServer['type']>(type: T, timeoutMs: number): Promise<Extract<FromServer, { type: T }>>;
}

/** bench-server.ts in a child process (its own event loop, as in production). */
async function startChild(dataDir: string): Promise<Child> {
  const child = await forkBundled(path.join(import.meta.dirname, 'bench-server.ts'), [dataDir]);
  const samples: ServerSample[] = [];
  const waiting: { type: string; resolve: (m: FromServer) => void }[] = [];
  child.on('message', (m: FromServer) => {
    if (m.type === 'sample') samples.push(m);
    if (m.type === 'failed') log(`server child failed: ${m.message}`);
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(m);
  });
  const c: Child = {
    child,
    port: 0,
    samples,
    command: (cmd) => void (child.connected && child.send(cmd)),
    next: (type, timeoutMs) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`server child: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({ type, resolve: (m) => (clearTimeout(t), resolve(m as never)) });
      }),
  };
  c.port = (await c.next('ready', 30_000)).port;
  return c;
}

/** The server's CPU (% of one core) between two of its samples at or after `from` and before `to`. */
function serverCpu(samples: ServerSample[], from: number, to: number): number | null {
  const inside = samples.filter((s) => s.at >= from && s.at <= to);
  if (inside.length < 2) return null;
  const a = inside[0]!;
  const b = inside[inside.length - 1]!;
  return r1(((b.cpuMicros - a.cpuMicros) / 1000 / (b.at - a.at)) * 100);
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-notify-bench-'));
  log(`provisioning ${DEVICES} drivers in ${dataDir}`);
  const p = await provision(dataDir);
  const srv = await startChild(dataDir);
  const base = `http://127.0.0.1:${srv.port}`;
  const rest = async (method: string, pathname: string, body?: unknown) => {
    const res = await fetch(base + pathname, { method, headers: { authorization: `Bearer ${p.admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  // the receiver: latency of each first arrival from its commit (Timestamp = created_at)
  const rx = await startWebhookReceiver({ keep: false });
  const seen = new Set<string>();
  let duplicates = 0;
  let latencies: number[] = [];
  let lastAt = 0;
  let verified = 0;
  let verifier: Webhook | null = null;
  rx.onHit = (h: Hit) => {
    const id = String(h.headers['webhook-id']);
    if (seen.has(id)) return void duplicates++;
    seen.add(id);
    latencies.push(h.at - Date.parse((JSON.parse(h.body) as { Timestamp: string }).Timestamp));
    lastAt = h.at;
    // the signature of one in a hundred checked (a receiver's own cost, kept out of the figures)
    if (seen.size % 100 === 0 && verifier) {
      verifier.verify(h.body, h.headers as Record<string, string>);
      verified++;
    }
  };
  const dest = await rest('POST', '/api/v1/destinations', { name: 'Bench backend', provider: 'webhook', settings: { url: rx.origin + HOOK } });
  verifier = new Webhook(dest.created_secret as string);

  // the drivers
  const wsUrl = `ws://127.0.0.1:${srv.port}${TRACK_PATH}`;
  const sockets: WebSocket[] = [];
  let acked = 0;
  let errors = 0;
  for (let start = 0; start < DEVICES; start += 100) {
    await Promise.all(
      p.ids.slice(start, start + 100).map(
        (id, k) =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
            ws.on('open', () => ws.send(JSON.stringify({ action: 'authenticate', payload: { user_id: id, role: 'driver', token: p.tokens[start + k] } })));
            ws.on('message', (data) => {
              const m = JSON.parse(data.toString()) as { type: string };
              if (m.type === 'authenticated') {
                sockets[start + k] = ws;
                resolve();
              } else if (m.type === 'ack') acked++;
              else if (m.type === 'error' && ++errors <= 3) log(`error: ${data.toString()}`);
            });
            ws.on('error', reject);
          }),
      ),
    );
  }
  log(`${DEVICES} drivers connected`);
  const battery = new Uint32Array(DEVICES);
  let seq = 0;
  let sent = 0;
  const heartbeat = (i: number) => {
    const b = 100 - (++battery[i]! % 100);
    sockets[i]!.send(JSON.stringify({ action: 'heartbeat', id: p.ids[i], seq: ++seq, payload: { battery: b, connection: 'mobile', gps: 'granted', duty: true } }));
    sent++;
  };
  const delivered = async (n: number, what: string) => {
    const end = Date.now() + WAIT_MS;
    while (seen.size < n) {
      if (Date.now() > end) throw new Error(`${what}: ${seen.size} of ${n} delivered after ${WAIT_MS / 1000} s`);
      await sleep(20);
    }
  };

  // 1. steady rate
  log(`steady: ${RATE} events/s for ${DURATION_S} s`);
  latencies = [];
  const t1 = Date.now();
  let next = 0;
  let k = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = Date.now() - t1;
      const due = Math.min(RATE * DURATION_S, Math.floor((elapsed / 1000) * RATE));
      for (; next < due; next++, k = (k + 1) % DEVICES) heartbeat(k);
      if (next >= RATE * DURATION_S) return resolve();
      setTimeout(tick, 5);
    };
    tick();
  });
  const sendEnd = Date.now();
  while (acked < sent && Date.now() - sendEnd < 30_000) await sleep(10);
  await delivered(acked, 'steady');
  const steadyLatency = summary(latencies);
  const steady = {
    events: acked,
    offeredPerS: r1(acked / ((sendEnd - t1) / 1000)),
    deliveredPerS: r1(acked / ((lastAt - t1) / 1000)),
    drainAfterLastSendMs: lastAt - sendEnd,
    latencyMs: steadyLatency,
    serverCpuPctOfOneCore: serverCpu(srv.samples, t1, lastAt),
  };
  log(`steady: ${steady.deliveredPerS} events/s delivered, latency p50 ${steadyLatency?.p50} ms p99 ${steadyLatency?.p99} ms max ${steadyLatency?.max} ms`);

  // 2. backlog drain
  let backlog = null;
  if (BACKLOG > 0) {
    await rest('PATCH', `/api/v1/destinations/${dest.id}`, { enabled: false });
    log(`backlog: recording ${BACKLOG} events with the destination off`);
    const before = acked;
    for (let i = 0; i < BACKLOG; i++) {
      heartbeat(i % DEVICES);
      if (i % 500 === 499) while (sent - acked > 2_000) await sleep(2);
    }
    while (acked < before + BACKLOG) await sleep(10);
    const pending = (await rest('GET', `/api/v1/destinations/${dest.id}`)).health.pending as number;
    latencies = [];
    const t2 = Date.now();
    await rest('PATCH', `/api/v1/destinations/${dest.id}`, { enabled: true });
    await delivered(before + BACKLOG, 'backlog');
    backlog = { events: BACKLOG, pendingBefore: pending, drainMs: lastAt - t2, deliveredPerS: r1(BACKLOG / ((lastAt - t2) / 1000)), serverCpuPctOfOneCore: serverCpu(srv.samples, t2, lastAt) };
    log(`backlog: ${backlog.deliveredPerS} events/s delivered (${BACKLOG} in ${backlog.drainMs} ms)`);
  }

  for (const ws of sockets) ws.terminate();
  srv.command({ cmd: 'stop' });
  await srv.next('stopped', 30_000).catch(() => srv.child.kill('SIGKILL'));
  await rx.close();
  if (!args['keep-data']) fs.rmSync(dataDir, { recursive: true, force: true });
  const result = {
    config: { devices: DEVICES, rate: RATE, durationS: DURATION_S, backlog: BACKLOG, node: process.version, cpus: os.cpus().length },
    steady,
    backlog,
    totals: { sent, acked, errors, delivered: seen.size, duplicates, signaturesVerified: verified },
    ok: errors === 0 && seen.size === acked && duplicates === 0,
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
