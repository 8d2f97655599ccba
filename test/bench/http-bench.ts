/**
 * `npm run bench:http`: load benchmark of OsmAnd-protocol ingest (Traccar Client's requests).
 * Not a test: it prints figures.
 *
 * A real tracking server runs in a child process (bench-server.ts) on 127.0.0.1 with a fresh
 * data folder and N drivers. autocannon drives `/osmand` with half GET (query) and half POST
 * (form body) requests, each a distinct (device, timestamp), so every answered request must
 * be a stored row. After a warm-up it sends `--requests` requests over `--connections`
 * connections (bounded by `--max-seconds`), prints requests/s, latency percentiles, errors
 * and the server's CPU (also per request: on a machine shared with other work, requests per
 * CPU-second is the figure to compare), stops the server and checks that the positions table holds exactly
 * as many rows as there were 2xx answers.
 *
 *   npm run bench:http -- --devices 1000 --connections 64 --requests 60000 [--cpu-prof DIR]
 *
 * `--reference` runs the bare `node:http` server (reference/http-200.ts, answers 200, stores
 * nothing) in place of FleetDesk, for `npm run bench`'s ratios.
 *
 * One JSON object goes to stdout; progress goes to stderr.
 */
import { forkBundled } from './fork-child';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { addCompany, addUser, type Accounts } from '../../main/server/accounts';
import { DB_FILE, openDatabase } from '../../main/server/store/database';
import type { FromServer, ToServer } from './ipc';
import { accountsOn } from '../../main/server/open-accounts';

const { values: opts } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '64' },
    requests: { type: 'string', default: '60000' },
    warmup: { type: 'string', default: '5000' },
    'max-seconds': { type: 'string', default: '15' },
    'keep-data': { type: 'boolean', default: false },
    /** the bare http server instead of FleetDesk */
    reference: { type: 'boolean', default: false },
    /** writes the server's CPU profile to this folder */
    'cpu-prof': { type: 'string' },
  },
});
const N = Number(opts.devices);
const CONNECTIONS = Number(opts.connections);
const REQUESTS = Number(opts.requests);
const WARMUP = Number(opts.warmup);
const MAX_SECONDS = Number(opts['max-seconds']);
const COMPANY = 'bench';
const log = (m: string) => process.stderr.write(`${m}\n`);

async function provision(): Promise<{ dataDir: string; keys: string[] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-http-bench-'));
  const db = openDatabase(dataDir);
  try {
    const accounts: Accounts = accountsOn(db, dataDir);
    addCompany(accounts, 'Bench Logistics', COMPANY);
    db.exec('BEGIN');
    for (let i = 0; i < N; i++) await addUser(accounts, { companyId: COMPANY, userId: `DR_${i}`, role: 'driver' });
    db.exec('COMMIT');
    return { dataDir, keys: accounts.users.list(COMPANY, 'driver').map((u) => u.device_key) };
  } finally {
    db.close();
  }
}

async function startServer(dataDir: string) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const execArgv: string[] = [];
  if (opts['cpu-prof']) execArgv.push('--cpu-prof', `--cpu-prof-dir=${opts['cpu-prof']}`);
  const script = opts.reference ? path.join(here, 'reference', 'http-200.ts') : path.join(here, 'bench-server.ts');
  const child = await forkBundled(script, [dataDir], execArgv);
  const next = <T extends FromServer['type']>(type: T, timeoutMs = 30_000) =>
    new Promise<Extract<FromServer, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server: no ${type} within ${timeoutMs} ms`)), timeoutMs);
      const on = (m: FromServer) => {
        if (m.type === 'failed') reject(new Error(m.message));
        if (m.type !== type) return;
        clearTimeout(timer);
        child.off('message', on);
        resolve(m as Extract<FromServer, { type: T }>);
      };
      child.on('message', on);
    });
  return { child, next, command: (c: ToServer) => child.send(c) };
}

/** Request i: device i mod N at second ⌊i / N⌋ after the base time, a few metres further along. */
function requestFactory(keys: string[], baseSec: number, offset: number) {
  let i = offset;
  return () => {
    const n = i++;
    const device = n % keys.length;
    const k = Math.floor(n / keys.length);
    const q = `id=${keys[device]}&timestamp=${baseSec + k}&lat=${(48.1 + device * 1e-3 + k * 1e-5).toFixed(6)}&lon=${(11.5 + k * 1e-5).toFixed(6)}&speed=12.5&bearing=${k % 360}&altitude=520&accuracy=5`;
    return n % 2 === 0
      ? { method: 'GET' as const, path: `/osmand?${q}` }
      : { method: 'POST' as const, path: '/osmand', body: q, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  };
}

function run(port: number, amount: number, make: ReturnType<typeof requestFactory>) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    amount,
    duration: MAX_SECONDS,
    timeout: 10,
    requests: [{ setupRequest: (req) => ({ ...req, ...make() }) }],
  });
}

async function main(): Promise<void> {
  log(`provisioning ${N} drivers…`);
  const { dataDir, keys } = await provision();
  const server = await startServer(dataDir);
  const { port } = await server.next('ready');
  // a day ago: every timestamp is in the past and after 2000
  const baseSec = Math.floor(Date.now() / 1000) - 86_400;
  const make = requestFactory(keys, baseSec, 0);
  log(`warm-up: ${WARMUP} requests`);
  const warm = await run(port, WARMUP, make);
  log(`measuring: ${REQUESTS} requests over ${CONNECTIONS} connections (at most ${MAX_SECONDS} s)`);
  server.command({ cmd: 'window-start' });
  const clientCpu = process.cpuUsage();
  const r = await run(port, REQUESTS, make);
  const client = process.cpuUsage(clientCpu);
  server.command({ cmd: 'window-end' });
  const window = await server.next('window');
  server.command({ cmd: 'stop' });
  const stopped = await server.next('stopped');
  const ok2xx = warm['2xx'] + r['2xx'];
  // the reference stores nothing: count its answers as its rows
  let rows = ok2xx;
  if (!opts.reference) {
    const ro = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
    rows = (ro.prepare('SELECT COUNT(*) AS n FROM positions').get() as { n: number }).n;
    ro.close();
  }
  const figures = {
    target: opts.reference ? 'reference http 200' : 'FleetDesk',
    devices: N,
    connections: CONNECTIONS,
    cpus: os.cpus().length,
    measured: {
      requests: r.requests.sent,
      seconds: r.duration,
      requestsPerSecond: Math.round(r['2xx'] / r.duration),
      latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
    },
    loadGenerator: { cpuCores: Math.round(((client.user + client.system) / 1000 / (r.duration * 1000)) * 100) / 100 },
    server: {
      cpuCores: Math.round((window.cpuMs / window.wallMs) * 100) / 100,
      /** CPU per answered request, and what one core fully given to the server would answer:
       * the figure that holds when other processes compete for the machine */
      cpuMsPerRequest: Math.round((window.cpuMs / r['2xx']) * 1000) / 1000,
      requestsPerCpuSecond: Math.round(r['2xx'] / (window.cpuMs / 1000)),
      loopDelay: window.loopDelay,
      writer: stopped.writer,
    },
    persisted: { answered2xx: ok2xx, rows, everyAnsweredPositionStored: rows === ok2xx },
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  log(
    `${figures.measured.requestsPerSecond} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}; ` +
      `server ${figures.server.requestsPerCpuSecond} req per CPU-second; rows ${rows} / 2xx ${ok2xx} ${rows === ok2xx ? 'OK' : 'MISMATCH'}`,
  );
  if (!opts['keep-data']) fs.rmSync(dataDir, { recursive: true, force: true });
  if (rows !== ok2xx || r.non2xx > 0 || r.errors > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
