/**
 * `npm run bench:storage`: FleetDesk's storage against a plain batched better-sqlite3 insert.
 * Not a test: it prints figures.
 *
 * 1. Committed positions/s: `--rows` positions of `--devices` devices through FleetDesk's own
 *    group-commit writer (PositionWriter + PositionStore, the server's batch size, `--durability`)
 *    with the queue kept full, against reference/sqlite-insert.ts (same rows, same table shape,
 *    same batch and synchronous level) in a child process; bytes per million positions of both
 *    after a WAL checkpoint.
 * 2. History paging: a database of `--history-devices` devices with `--history-rows` positions
 *    each at 1 Hz (the issue's full size is 50 × 2,592,000: 30 days; the default is smaller so
 *    the suite finishes in minutes), served by bench-server.ts; one device's whole history paged
 *    through GET /api/v1/devices/:id/positions (1,000 a page, next_cursor), latency per page
 *    (after one unmeasured request to another device).
 *
 *   npm run bench:storage -- --rows 200000 --history-rows 86400 --history-devices 5
 *
 * One JSON object goes to stdout; progress goes to stderr.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { addCompany, addUser, issueToken, type Accounts } from '../../main/server/accounts';
import { accountsOn } from '../../main/server/open-accounts';
import { DB_FILE, openDatabase } from '../../main/server/store/database';
import { PositionWriter } from '../../main/server/store/position-writer';
import { PositionStore } from '../../main/server/store/positions';
import { API_PREFIX } from '../../shared/api/schemas';
import { forkBenchChild } from './fork-child';

const USAGE = 'usage: npm run bench:storage -- [--rows 200000] [--devices 50] [--history-rows 86400] [--history-devices 5] [--durability full|normal]';
const OPTIONS = {
  rows: { type: 'string', default: '200000' },
  devices: { type: 'string', default: '50' },
  'history-rows': { type: 'string', default: '86400' },
  'history-devices': { type: 'string', default: '5' },
  durability: { type: 'string', default: 'full' },
} as const;

let args: { [K in keyof typeof OPTIONS]: string };
try {
  args = parseArgs({ options: OPTIONS, strict: true }).values as typeof args;
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const int = (name: keyof typeof OPTIONS, min: number): number => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number ≥ ${min}\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const ROWS = int('rows', 1000);
const DEVICES = int('devices', 1);
const HISTORY_ROWS = int('history-rows', 1000);
const HISTORY_DEVICES = int('history-devices', 1);
const DURABILITY = args.durability === 'normal' ? 'normal' : 'full';
/** the server's group commit: config.ts writer defaults */
const BATCH = 2_000;
const WINDOW_MS = 5;
const PAGE = 1_000;
const COMPANY = 'bench';
const T0 = 1_700_000_000_000;

const here = path.dirname(fileURLToPath(import.meta.url));
const log = (m: string) => process.stderr.write(`[storage ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const r2 = (x: number) => Math.round(x * 100) / 100;

async function freshDatabase(devices: number): Promise<{ dataDir: string; accounts: Accounts; db: ReturnType<typeof openDatabase>; pks: number[] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-storage-bench-'));
  const db = openDatabase(dataDir, undefined, { durability: DURABILITY });
  const accounts = accountsOn(db, dataDir);
  addCompany(accounts, 'Bench Logistics', COMPANY);
  db.exec('BEGIN');
  const pks: number[] = [];
  for (let d = 0; d < devices; d++) pks.push((await addUser(accounts, { companyId: COMPANY, userId: `DR_${d}`, role: 'driver' })).pk);
  await addUser(accounts, { companyId: COMPANY, userId: 'OF_0', role: 'office' });
  db.exec('COMMIT');
  return { dataDir, accounts, db, pks };
}

const position = (d: number, k: number) => {
  const t = T0 + k * 1000;
  return { lat: 9.01 + k * 1e-5, lng: 38.75 + d * 1e-3, speed: 12.5, bearing: k % 360, accuracy: 5, altitude: 2400, deviceTime: t, serverTime: t + 150 };
};

/** FleetDesk's writer with its queue kept full: positions committed per second. */
async function fleetdeskCommits() {
  const { dataDir, db, pks } = await freshDatabase(DEVICES);
  const writer = new PositionWriter(db, new PositionStore(db), { windowMs: WINDOW_MS, maxBatch: BATCH });
  let stored = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    let done = 0;
    const onDone = (err: Error | null, ok: boolean) => {
      if (err) return reject(err);
      if (ok) stored++;
      if (++done === ROWS) resolve();
    };
    let n = 0;
    // enqueue in slices so the writer's timer and the event loop run as they do in the server
    const more = () => {
      const end = Math.min(ROWS, n + BATCH * 5);
      for (; n < end; n++) writer.enqueue({ userPk: pks[n % DEVICES]!, position: position(n % DEVICES, Math.floor(n / DEVICES)), source: 'ws', done: onDone });
      if (n < ROWS) setImmediate(more);
    };
    more();
  });
  const seconds = (performance.now() - t0) / 1000;
  writer.close();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const bytes = fs.statSync(path.join(dataDir, DB_FILE)).size;
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { rows: stored, seconds: r2(seconds), rowsPerS: Math.round(stored / seconds), bytesPerMillion: Math.round((bytes / stored) * 1e6), batches: writer.stats.batches };
}

function referenceCommits(): { rows: number; seconds: number; rowsPerS: number; bytesPerMillion: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'reference', 'sqlite-insert.ts'), String(ROWS), String(DEVICES), String(BATCH), DURABILITY], { encoding: 'utf8' });
  return JSON.parse(out) as ReturnType<typeof referenceCommits>;
}

function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
  return { pages: s.length, p50: r2(q(50)), p99: r2(q(99)), max: r2(s.at(-1) ?? 0) };
}

/** One device's whole history through REST, page by page. */
async function historyPaging() {
  const { dataDir, accounts, db, pks } = await freshDatabase(HISTORY_DEVICES);
  const store = new PositionStore(db);
  const fill = db.transaction((pk: number, d: number, from: number, to: number) => {
    for (let k = from; k < to; k++) store.insert(pk, position(d, k), 'ws');
  });
  const t0 = performance.now();
  for (let d = 0; d < HISTORY_DEVICES; d++) for (let k = 0; k < HISTORY_ROWS; k += 50_000) fill(pks[d]!, d, k, Math.min(HISTORY_ROWS, k + 50_000));
  log(`history: ${HISTORY_DEVICES} × ${HISTORY_ROWS} positions written in ${Math.round(performance.now() - t0)} ms`);
  const token = issueToken(accounts, COMPANY, 'OF_0', 3600).token;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const dbBytes = fs.statSync(path.join(dataDir, DB_FILE)).size;
  const server = await forkBenchChild(path.join(here, 'bench-server.ts'), [dataDir, DURABILITY]);
  const { port } = await server.next('ready');
  // one unmeasured request first (the server's first answer compiles its route and statements)
  await fetch(`http://127.0.0.1:${port}${API_PREFIX}/devices/DR_0/positions?limit=1`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.arrayBuffer());
  const times: number[] = [];
  let cursor: string | null = null;
  let items = 0;
  const from = new Date(T0).toISOString();
  const to = new Date(T0 + HISTORY_ROWS * 1000).toISOString();
  do {
    const url = `http://127.0.0.1:${port}${API_PREFIX}/devices/DR_${HISTORY_DEVICES - 1}/positions?from=${from}&to=${to}&limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`;
    const t = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { items: unknown[]; next_cursor: string | null };
    times.push(performance.now() - t);
    if (!res.ok) throw new Error(`GET positions: ${res.status} ${JSON.stringify(body)}`);
    items += body.items.length;
    cursor = body.next_cursor;
  } while (cursor);
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  const total = HISTORY_DEVICES * HISTORY_ROWS;
  return { devices: HISTORY_DEVICES, rowsPerDevice: HISTORY_ROWS, totalRows: total, pagedItems: items, pageSize: PAGE, pageMs: percentiles(times), bytesPerMillion: Math.round((dbBytes / total) * 1e6) };
}

async function main(): Promise<void> {
  log(`FleetDesk writer: ${ROWS} positions of ${DEVICES} devices (synchronous ${DURABILITY})`);
  const fleetdesk = await fleetdeskCommits();
  log(`FleetDesk ${fleetdesk.rowsPerS} positions/s; reference insert…`);
  const reference = referenceCommits();
  log(`reference ${reference.rowsPerS} positions/s; history paging…`);
  const history = await historyPaging();
  log(`paged ${history.pagedItems} positions in ${history.pageMs.pages} pages: p50 ${history.pageMs.p50} ms p99 ${history.pageMs.p99} ms`);
  process.stdout.write(`${JSON.stringify({ config: { rows: ROWS, devices: DEVICES, batch: BATCH, durability: DURABILITY }, commits: { fleetdesk, reference }, history }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
