/**
 * The demo end to end: a real server, 25 simulated phones on real WebSockets, real SQLite,
 * checked through the REST API; the phone client's acks and reconnects; the CLI's Ctrl-C.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import readline from 'node:readline';
import pino from 'pino';
import { DriverSocket } from '../../main/demo/driver-socket';
import { startDemo, type Demo } from '../../main/demo/start-demo';
import { firstFreePort } from '../../main/demo/free-port';
import { startTestServer, tempDir } from '../support/server';

const ROOT = path.resolve(import.meta.dirname, '../..');
const silent = pino({ level: process.env.FLEETDESK_TEST_LOG ?? 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function api(base: string, method: string, pathname: string, opts: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + pathname, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

let demo: Demo;
let base: string;
let token: string;
const dataDir = tempDir('fleetdesk-demo-test-');

before(async () => {
  demo = await startDemo({ host: '127.0.0.1', port: 0, dataDir, logger: silent });
  base = `http://127.0.0.1:${demo.port}`;
});
after(() => demo?.stop());

test('startDemo prints a console URL, a sign-in link and the admin, on the folder it was given', async () => {
  assert.equal(demo.url, `http://localhost:${demo.port}`);
  assert.ok(demo.loginUrl.startsWith(`${demo.url}/?login=`), 'demo.loginUrl.startsWith(`${demo.url}/?login=`)');
  assert.equal(demo.dataDir, dataDir);
  assert.ok(fs.existsSync(path.join(dataDir, 'fleetdesk.sqlite')), 'fs.existsSync(path.join(dataDir, \'fleetdesk.sqlite\'))');
  assert.deepEqual(demo.company, { id: 'demo', name: 'Demo Logistics' });
  const login = await api(base, 'POST', '/api/v1/auth/login', { body: { company: 'demo', user_id: demo.admin.userId, password: demo.admin.password } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  assert.equal(login.body.user.role, 'admin');
  token = login.body.token;
});

test('within seconds every one of the 25 drivers has a position, through the real ingest path', async () => {
  const latest = await until('25 latest positions', async () => {
    const r = await api(base, 'GET', '/api/v1/positions/latest', { token });
    assert.equal(r.status, 200);
    return r.body.length === 25 ? r.body : undefined;
  });
  const devices = (await api(base, 'GET', '/api/v1/devices', { token })).body;
  assert.equal(devices.length, 25);
  const van7 = devices.find((d: any) => d.id === 'van-07');
  assert.equal(van7.name, 'Van 07');
  assert.equal(van7.first_name, 'Katarzyna');
  assert.equal(van7.vehicle_plate, 'M-DL 1243');
  for (const p of latest) {
    // Munich, around the recorded drive
    assert.ok(p.position.lat > 48.1 && p.position.lat < 48.17 && p.position.lng > 11.4 && p.position.lng < 11.6, JSON.stringify(p));
  }
  // The flaky vans' phones last reported over ten minutes ago: the console shows them offline.
  for (const id of ['van-08', 'van-19']) {
    const p = latest.find((x: any) => x.id === id).position;
    assert.ok(Date.now() - Date.parse(p.device_time) > 10 * 60_000, `${id} last seen ${p.device_time}`);
  }
  assert.equal(latest.find((x: any) => x.id === 'van-05').position.speed, 0, 'van 05 is parked');
});

test('what the server acked is stored, with speeds in m/s on REST, and no update was refused', async () => {
  // Let every live phone get a few positions through.
  await until('three acks from each live phone', () => (demo.drivers().filter((d) => d.stats.acked >= 3).length >= 20 ? true : undefined));
  let compared = 0;
  for (const d of demo.drivers()) {
    assert.equal(d.stats.rateLimited, 0, `${d.userId} was rate-limited`);
    assert.equal(d.stats.dropped, 0, `${d.userId} had positions dropped`);
    const acked = d.lastAcked;
    assert.ok(acked, `${d.userId} has an acked position`);
    const from = new Date(acked.timestamp).toISOString();
    const to = new Date(acked.timestamp + 1).toISOString();
    const r = await api(base, 'GET', `/api/v1/devices/${d.userId}/positions?from=${from}&to=${to}`, { token });
    assert.equal(r.status, 200);
    assert.equal(r.body.items.length, 1, `${d.userId}: the acked fix at ${from} is stored`);
    const stored = r.body.items[0];
    assert.equal(stored.lat, acked.lat);
    assert.equal(stored.lng, acked.lng);
    assert.ok(Math.abs(stored.speed - acked.speed / 3.6) < 1e-6, `${d.userId}: ${stored.speed} m/s stored for ${acked.speed} km/h sent`);
    if (acked.speed > 0) compared++;
    const history = await api(base, 'GET', `/api/v1/devices/${d.userId}/positions?limit=1000`, { token });
    assert.ok(history.body.items.length >= d.stats.acked, `${d.userId}: ${history.body.items.length} stored, ${d.stats.acked} acked`);
  }
  assert.ok(compared > 0, 'some vans were moving');
});

test('the one-time sign-in link signs the admin in once', async () => {
  const code = new URL(demo.loginUrl).searchParams.get('login');
  assert.ok(code, 'code');
  const first = await api(base, 'POST', '/api/v1/auth/link', { body: { code } });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual(first.body.user, { id: 'admin', role: 'admin', company: 'demo' });
  const company = await api(base, 'GET', '/api/v1/company', { token: first.body.token });
  assert.equal(company.body.name, 'Demo Logistics');
  const again = await api(base, 'POST', '/api/v1/auth/link', { body: { code } });
  assert.equal(again.status, 401);
  assert.match(again.body.message, /already used/);
});

test('stop() closes every phone and the server', async () => {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([demo.stop(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('stop() did not finish in 5 s')), 5000)))]);
  clearTimeout(timer);
  assert.ok(demo.drivers().every((d) => !d.connected), 'demo.drivers().every((d) => !d.connected)');
  await assert.rejects(fetch(`${base}/api/v1/health`));
  await demo.stop(); // a second call is harmless
});

test('a non-empty --data folder is refused, so a real fleet is never touched', async () => {
  await assert.rejects(startDemo({ host: '127.0.0.1', port: 0, dataDir, logger: silent }), /is not empty: the demo needs a fresh folder/);
});

test('the phone client paces its sends, keeps positions until acked and delivers them after a reconnect', async () => {
  const dir = tempDir();
  let srv = await startTestServer({ dataDir: dir });
  const port = Number(new URL(srv.url).port);
  srv.company('acme');
  await srv.user('acme', 'DR_1', 'driver');
  const tokenFor = (s: typeof srv) => () => s.token('acme', 'DR_1');
  let current = srv;
  const socket = new DriverSocket({ url: srv.wsUrl, userId: 'DR_1', token: () => tokenFor(current)() });
  try {
    socket.start();
    const t0 = Date.now() - 60_000;
    const at = (i: number) => ({ lat: 48.1 + i / 1e4, lng: 11.5, speed: 36, bearing: 90, accuracy: 5, timestamp: t0 + i * 1000 });
    // Three at once: more than the server takes in one second, so the client must pace them.
    for (let i = 0; i < 3; i++) socket.offer(at(i));
    await until('3 acks', () => (socket.stats.acked === 3 ? true : undefined));
    assert.equal(socket.stats.rateLimited, 0);
    assert.equal(socket.pending, 0);

    await srv.stop();
    for (let i = 3; i < 5; i++) socket.offer(at(i)); // while the server is down
    assert.equal(socket.pending, 2);
    srv = await startTestServer({ dataDir: dir, port });
    current = srv;
    await until('the 2 queued positions acked after the reconnect', () => (socket.stats.acked === 5 ? true : undefined), 15_000);
    assert.equal(socket.stats.connections, 2);
    const stored = srv.ctx.positions.range(srv.ctx.users.get('acme', 'DR_1')!.pk, 0, Date.now(), 100);
    assert.deepEqual(
      stored.map((p) => p.device_time),
      [0, 1, 2, 3, 4].map((i) => t0 + i * 1000),
    );
    assert.ok(Math.abs(stored[0]!.speed - 10) < 1e-9, '36 km/h stored as 10 m/s');
  } finally {
    await socket.close();
    await srv.stop();
  }
});

test('the phone client lets go of a position the server can never store (acked with dropped); the others arrive', async () => {
  const srv = await startTestServer({ ws: { minUpdateIntervalMs: 20 } });
  srv.company('acme');
  await srv.user('acme', 'DR_1', 'driver');
  const problems: string[] = [];
  const socket = new DriverSocket({ url: srv.wsUrl, userId: 'DR_1', token: () => srv.token('acme', 'DR_1'), minGapMs: 40, onProblem: (m) => problems.push(m) });
  try {
    const t0 = Date.now() - 60_000;
    const at = (i: number, lat = 48.1 + i / 1e4) => ({ lat, lng: 11.5, speed: 36, bearing: 90, accuracy: 5, timestamp: t0 + i * 1000 });
    socket.offer({ ...at(0), lat: 0, lng: 0 }); // a phone with no position yet
    socket.offer({ ...at(1), timestamp: Date.UTC(1999, 0, 1) }); // and a broken clock
    for (let i = 2; i < 5; i++) socket.offer(at(i));
    socket.start();
    await until('5 acks', () => (socket.stats.acked === 5 ? true : undefined), 10_000);
    assert.equal(socket.pending, 0, 'nothing left to resend');
    assert.equal(socket.stats.dropped, 2);
    assert.ok(problems.some((m) => /dropped by the server: a fix at 0,0/.test(m)), problems.join('; '));
    assert.ok(problems.some((m) => /dropped by the server: the fix is dated 1999-01-01/.test(m)), problems.join('; '));
    const stored = srv.ctx.positions.range(srv.ctx.users.get('acme', 'DR_1')!.pk, 0, Date.now(), 100);
    assert.deepEqual(
      stored.map((p) => p.device_time),
      [2, 3, 4].map((i) => t0 + i * 1000),
    );
    assert.equal(socket.lastAcked?.timestamp, t0 + 4000, 'a dropped position is never the last confirmed one');
  } finally {
    await socket.close();
    await srv.stop();
  }
});

test('npm run demo: prints the link, and Ctrl-C stops it with exit code 0', async () => {
  const dir = path.join(tempDir(), 'demo-data');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'main/demo/index.ts'), '--port', '0', '--host', '127.0.0.1', '--data', dir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no banner in 20 s: ${out} ${err}`)), 20_000);
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        out += `${line}\n`;
        if (line.includes('Press Ctrl-C')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    assert.match(out, /Console: {3}http:\/\/localhost:\d+/);
    assert.match(out, /Sign in: {3}http:\/\/localhost:\d+\/\?login=[\w-]{40,}/);
    assert.match(out, /company "demo", user "admin", password "[\w-]{8,}"/);
    assert.ok(out.includes(`Data:      ${dir}`), 'out.includes(`Data: ${dir}`)');
    assert.match(out, /Phones: {4}https:\/\/localhost:\d+\/driver/, 'the HTTPS address phones need');
    assert.match(out, /Traccar Client \/ OsmAnd: port \d+/);
    child.kill('SIGINT');
    assert.equal(await exited, 0, err);
    assert.ok(fs.existsSync(path.join(dir, 'fleetdesk.sqlite')), 'fs.existsSync(path.join(dir, \'fleetdesk.sqlite\'))');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('npm run demo: bad options get a clear error', async () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'main/demo/index.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      c.stderr.on('data', (d) => (stderr += d));
      c.once('exit', (code) => resolve({ code, stderr }));
    });
  const badPort = await run(['--port', 'eighty']);
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /^fleetdesk demo: --port must be a whole number from 0 to 65535, not "eighty"/);
  const badHttps = await run(['--https-port', '99999']);
  assert.equal(badHttps.code, 2);
  assert.match(badHttps.stderr, /^fleetdesk demo: --https-port must be a whole number from 0 to 65535, not "99999"/);
  const badOsmand = await run(['--osmand-port', '-1']);
  assert.equal(badOsmand.code, 2);
  const unknown = await run(['--drivers', '5']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown option '--drivers'/);
  const used = await run(['--port', '0', '--host', '127.0.0.1', '--data', dataDir]);
  assert.equal(used.code, 1);
  assert.match(used.stderr, /is not empty: the demo needs a fresh folder/);
});

test('demo ports like serve: --https-port and --osmand-port exactly, 0 turns them off; the banner says where phones connect', async () => {
  const https = await firstFreePort('127.0.0.1', 42000);
  const osmand = await firstFreePort('127.0.0.1', https + 1);
  const on = await startDemo({ host: '127.0.0.1', port: 0, httpsPort: https, osmandPort: osmand, dataDir: path.join(tempDir(), 'd1'), logger: silent, drivers: 1 });
  try {
    assert.equal(on.httpsUrl, `https://localhost:${https}`);
    assert.equal(on.osmandPort, osmand);
    const r = await fetch(`http://127.0.0.1:${osmand}/?id=nobody&lat=48.1&lon=11.5`);
    assert.ok(r.status >= 200 && r.status < 500, 'the OsmAnd port answers');
  } finally {
    await on.stop();
  }
  const off = await startDemo({ host: '127.0.0.1', port: 0, httpsPort: null, osmandPort: null, dataDir: path.join(tempDir(), 'd2'), logger: silent, drivers: 1 });
  try {
    assert.equal(off.httpsUrl, null);
    assert.equal(off.osmandPort, null);
  } finally {
    await off.stop();
  }
});
