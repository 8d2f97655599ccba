/**
 * `npm run bench:share`: load benchmark of the public live feed of shares. Not a test: it
 * prints figures.
 *
 * A real tracking server runs in a child process (bench-server.ts) on 127.0.0.1 with a fresh
 * data folder. This process provisions one company with `--shares` drivers and an office user,
 * creates one share per driver over REST, opens `--viewers` Server-Sent-Events viewers spread
 * evenly over the shares (`/s/{token}/live`), connects the drivers over the Tracking API and
 * has each send `driver_location` at 1 Hz (spread over the second, moving at city speed).
 * After a warm-up it measures for `--duration` seconds: snapshots delivered per second,
 * delivery latency (the viewer's receipt minus the fix's device time, which is its send time;
 * one machine, one clock), and the server's CPU and event-loop lag over the window.
 *
 *   npm run bench:share -- --shares 100 --viewers 500 --duration 30 --warmup 5
 *
 * One JSON object goes to stdout; progress goes to stderr. Bounded: at most 60 s of load.
 */
import { forkBundled } from './fork-child';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { addCompany, addUser, issueToken } from '../../main/server/accounts';
import { openDatabase } from '../../main/server/store/database';
import { accountsOn } from '../../main/server/open-accounts';
import { TRACK_PATH } from '../../shared/protocol/tracking';
import type { FromServer, ToServer } from './ipc';

const { values: args } = parseArgs({
  options: {
    shares: { type: 'string', default: '100' },
    viewers: { type: 'string', default: '500' },
    duration: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
  },
  strict: true,
});
const SHARES = Math.max(1, Math.min(1000, Number(args.shares)));
const VIEWERS = Math.max(1, Math.min(5000, Number(args.viewers)));
const WARMUP_S = Math.max(1, Math.min(20, Number(args.warmup)));
const DURATION_S = Math.max(5, Math.min(60 - WARMUP_S, Number(args.duration)));
const COMPANY = 'bench';
const log = (m: string) => process.stderr.write(`[bench:share] ${m}\n`);

async function provision(dataDir: string) {
  const db = openDatabase(dataDir);
  try {
    const accounts = accountsOn(db, dataDir);
    addCompany(accounts, 'Bench Deliveries', COMPANY);
    accounts.companies.update(COMPANY, { max_connections: SHARES + 100 });
    db.exec('BEGIN');
    for (let i = 0; i < SHARES; i++) await addUser(accounts, { companyId: COMPANY, userId: `VAN_${i}`, role: 'driver' });
    await addUser(accounts, { companyId: COMPANY, userId: 'ops', role: 'office' });
    db.exec('COMMIT');
    return {
      office: issueToken(accounts, COMPANY, 'ops', 3600).token,
      drivers: Array.from({ length: SHARES }, (_, i) => issueToken(accounts, COMPANY, `VAN_${i}`, 3600).token),
    };
  } finally {
    db.close();
  }
}

async function startServer(dataDir: string) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = await forkBundled(path.join(here, 'bench-server.ts'), [dataDir]);
  const waiting = new Map<string, (m: FromServer) => void>();
  child.on('message', (m: FromServer) => {
    if (m.type === 'failed') log(`server failed: ${m.message}`);
    waiting.get(m.type)?.(m);
    waiting.delete(m.type);
  });
  return {
    child,
    next: <T extends FromServer['type']>(type: T, ms = 30_000) =>
      new Promise<Extract<FromServer, { type: T }>>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${type} from the server`)), ms);
        waiting.set(type, (m) => {
          clearTimeout(t);
          resolve(m as Extract<FromServer, { type: T }>);
        });
      }),
    command: (c: ToServer) => child.connected && child.send(c),
  };
}

async function post(base: string, pathname: string, token: string, body: unknown): Promise<any> {
  const res = await fetch(base + pathname, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`${pathname}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** One SSE viewer over plain node:http; calls back with each event's data. */
function view(url: string, onData: (data: string) => void): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`viewer: ${res.statusCode}`));
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const line = block.split('\n').find((l) => l.startsWith('data: '));
          if (line) onData(line.slice(6));
        }
      });
      res.on('error', () => undefined);
      resolve(req);
    });
    req.on('error', reject);
  });
}

function connectDriver(wsUrl: string, id: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    ws.on('open', () => ws.send(JSON.stringify({ action: 'authenticate', payload: { user_id: id, role: 'driver', token } })));
    ws.once('message', (d) => ((JSON.parse(d.toString()) as { type: string }).type === 'authenticated' ? resolve(ws) : reject(new Error(d.toString()))));
    ws.on('error', reject);
  });
}

const pct = (sorted: number[], p: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-share-bench-'));
  const { office, drivers } = await provision(dataDir);
  const server = await startServer(dataDir);
  const { port } = await server.next('ready');
  const base = `http://127.0.0.1:${port}`;
  log(`server on ${base}; ${SHARES} shares, ${VIEWERS} viewers`);
  const timers: NodeJS.Timeout[] = [];
  const sockets: WebSocket[] = [];
  const viewers: http.ClientRequest[] = [];
  try {
    const tokens: string[] = [];
    for (let i = 0; i < SHARES; i++) {
      const c = await post(base, '/api/v1/shares', office, { device_id: `VAN_${i}`, destination: { latitude: 48.2, longitude: 11.6 }, share_config: { show_speed: true } });
      tokens.push(c.share_token as string);
    }
    let measuring = false;
    const latencies: number[] = [];
    let delivered = 0;
    let snapshotsWithoutPosition = 0;
    for (let v = 0; v < VIEWERS; v++) {
      viewers.push(
        await view(`${base}/s/${tokens[v % SHARES]}/live`, (data) => {
          const now = Date.now();
          const snap = JSON.parse(data) as { position: { time: string } | null };
          if (!measuring) return;
          if (!snap.position) return void snapshotsWithoutPosition++;
          delivered++;
          latencies.push(now - Date.parse(snap.position.time));
        }),
      );
    }
    log(`${VIEWERS} viewers connected`);
    for (let i = 0; i < SHARES; i++) sockets.push(await connectDriver(base.replace('http', 'ws') + TRACK_PATH, `VAN_${i}`, drivers[i]!));
    log(`${SHARES} drivers connected`);
    let sent = 0;
    for (let i = 0; i < SHARES; i++) {
      let lat = 48.1 + i * 0.001;
      let seq = 0;
      const start = setTimeout(() => {
        const t = setInterval(() => {
          lat += 10 / 111_320; // 10 m/s north
          sockets[i]!.send(JSON.stringify({ action: 'driver_location', id: `VAN_${i}`, seq: ++seq, payload: { lat, lng: 11.5, speed: 36, bearing: 0, accuracy: 5, timestamp: Date.now() } }));
          if (measuring) sent++;
        }, 1000);
        timers.push(t);
      }, Math.floor((i * 1000) / SHARES));
      timers.push(start);
    }
    await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
    server.command({ cmd: 'window-start' });
    measuring = true;
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, DURATION_S * 1000));
    measuring = false;
    const seconds = (Date.now() - t0) / 1000;
    server.command({ cmd: 'window-end' });
    const window = await server.next('window');
    latencies.sort((a, b) => a - b);
    const expected = sent * (VIEWERS / SHARES);
    const result = {
      shares: SHARES,
      viewers: VIEWERS,
      duration_s: Math.round(seconds),
      fixes_sent_per_s: Math.round(sent / seconds),
      snapshots_delivered_per_s: Math.round(delivered / seconds),
      delivered_of_expected: expected === 0 ? null : Math.round((delivered / expected) * 1000) / 1000,
      snapshots_without_position: snapshotsWithoutPosition,
      latency_ms: { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.at(-1) ?? null },
      server_cpu_percent_of_one_core: Math.round((window.cpuMs / window.wallMs) * 1000) / 10,
      server_loop: window.loopDelay,
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '' },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const t of timers) clearTimeout(t);
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.terminate();
    for (const v of viewers) v.destroy();
    server.command({ cmd: 'stop' });
    await server.next('stopped', 30_000).catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
