/**
 * Attacks that worked before the security review, each written as the attack (every probe on
 * 127.0.0.x, bounded in count and time): guessing device keys at full speed on every phone
 * route, a world-readable data folder, one driver using up its company's connections, slow and
 * idle connections held for ever, unauthenticated WebSockets without bound, an admin locked out
 * from another address, cacheable API answers, secrets in logs.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import WebSocket from 'ws';
import { CLOSE } from '../../shared/protocol/tracking';
import { DB_FILE } from '../../main/server/store/database';
import { startTestServer, tempDir, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** An HTTP request from a chosen loopback address (127.0.0.2, …), so a test can play several clients. */
function from(localAddress: string, method: string, url: string, opts: { body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { ...(opts.body ? { 'content-type': 'application/json' } : {}), ...opts.headers };
    const req = http.request(url, { method, localAddress, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          /* keep the text */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const guess = () => crypto.randomBytes(18).toString('base64url');

describe('guessing device keys', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ osmandPort: 0 });
    s.company('acme');
    await s.user('acme', 'boss', 'admin');
    await s.user('acme', 'DR_1', 'driver');
  });
  after(() => s.stop());

  /** Each route is probed from its own address: a lock of one never affects the next test. */
  const routes: { name: string; address: string; attempt: (key: string, address: string) => Promise<Reply> }[] = [
    { name: 'the OsmAnd port', address: '127.0.0.2', attempt: (k, a) => from(a, 'POST', `http://127.0.0.1:${s.ctx.listening.osmandPort}/?id=${k}&lat=48.1&lon=11.5`) },
    { name: '/osmand', address: '127.0.0.3', attempt: (k, a) => from(a, 'GET', `${s.url}/osmand?id=${k}&lat=48.1&lon=11.5`) },
    { name: '/gpslogger', address: '127.0.0.4', attempt: (k, a) => from(a, 'GET', `${s.url}/gpslogger?key=${k}&lat=48.1&lon=11.5`) },
    {
      name: '/owntracks',
      address: '127.0.0.5',
      attempt: (k, a) =>
        from(a, 'POST', `${s.url}/owntracks`, {
          body: '{"_type":"location","lat":48.1,"lon":11.5,"tst":1700000000}',
          headers: { authorization: `Basic ${Buffer.from(`DR_1:${k}`).toString('base64')}` },
        }),
    },
    { name: '/api/v1/driver/session', address: '127.0.0.6', attempt: (k, a) => from(a, 'POST', `${s.url}/api/v1/driver/session`, { body: JSON.stringify({ device_key: k }) }) },
  ];

  for (const r of routes) {
    test(`${r.name}: a guessing loop is cut off by 429 within a few dozen requests; then the right key waits too; other addresses go on`, async () => {
      const real = s.ctx.users.get('acme', 'DR_1')!.device_key;
      let tries = 0;
      let last: Reply | null = null;
      for (; tries < 300; tries++) {
        last = await r.attempt(guess(), r.address);
        if (last.status === 429) break;
        assert.ok(last.status === 404 || last.status === 401, `${last.status} ${JSON.stringify(last.body)}`);
      }
      assert.equal(last?.status, 429, `not cut off after ${tries} guesses`);
      assert.ok(tries <= 30, `cut off only after ${tries} guesses`);
      assert.ok(Number(last.headers['retry-after']) > 0, 'Number(last.headers[\'retry-after\']) > 0');
      assert.match(last.body.message, /^too many (unknown device keys|failed attempts) from here; try again in/);
      // While locked nothing is evaluated: the right key gets the same 429 (no oracle).
      assert.equal((await r.attempt(real, r.address)).status, 429);
      // Another address is not affected.
      const other = await from('127.0.0.9', 'GET', `${s.url}/osmand?id=${real}&lat=48.1&lon=11.5&timestamp=${1700000000 + routes.indexOf(r)}`);
      assert.equal(other.status, 200);
      // Guesses are recorded as unknown devices for nobody.
      assert.deepEqual((await s.api('GET', '/api/v1/unknown-devices', { token: s.token('acme', 'boss') })).body, []);
    });
  }
});

test('the data folder and every file in it are made private at start, however they were created, with a log line', async () => {
  const dir = tempDir();
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, DB_FILE), '', { mode: 0o644 });
  fs.writeFileSync(path.join(dir, 'jwt-secret'), crypto.randomBytes(48).toString('base64url'), { mode: 0o644 });
  fs.mkdirSync(path.join(dir, 'tls'), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'tls', 'notes.txt'), 'x', { mode: 0o664 });
  fs.chmodSync(path.join(dir, DB_FILE), 0o644);
  fs.chmodSync(path.join(dir, 'jwt-secret'), 0o644);
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }));
  const s = await startTestServer({ dataDir: dir, logger, httpsPort: 0 });
  try {
    s.company('acme'); // a write: the -wal and -shm files exist now
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(path.join(dir, 'tls')), 0o700);
    const files = [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, 'jwt-secret', 'server.json', 'tls/notes.txt', ...fs.readdirSync(path.join(dir, 'tls')).map((f) => `tls/${f}`)];
    for (const f of files) {
      assert.ok(fs.existsSync(path.join(dir, f)), f);
      assert.equal(mode(path.join(dir, f)), 0o600, `${f} is ${mode(path.join(dir, f)).toString(8)}`);
    }
    const warned = lines.map((l) => JSON.parse(l)).find((l) => /made private/.test(l.msg));
    assert.ok(warned, lines.join(''));
    assert.ok(warned.corrected.some((c: string) => c.endsWith(`${DB_FILE} (was 644)`)), 'warned.corrected.some((c: string) => c.endsWith(`${DB_FILE} (was 644)`))');
  } finally {
    await s.stop();
  }
  // The next start finds nothing to correct.
  lines.length = 0;
  const again = await startTestServer({ dataDir: dir, logger, httpsPort: 0 });
  await again.stop();
  assert.equal(lines.some((l) => /made private/.test(l)), false);
});

describe('WebSocket connections', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ ws: { maxPendingPerAddress: 5 } });
    s.company('acme');
    await s.user('acme', 'boss', 'admin');
    await s.user('acme', 'DR_1', 'driver');
    await s.user('acme', 'DR_2', 'driver');
  });
  after(() => s.stop());

  const auth = async (id: string, role: string) => {
    const sock = await TestSocket.open(s.wsUrl);
    return { sock, reply: await sock.authenticate(id, role, s.token('acme', id)) };
  };

  test("one driver's sockets cannot take the company's last slots: its admin still gets in", async () => {
    s.ctx.companies.update('acme', { max_connections: 3 });
    const socks: TestSocket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const c = await auth('DR_1', 'driver');
        socks.push(c.sock);
        assert.equal(c.reply.type, 'authenticated');
      }
      const third = await auth('DR_2', 'driver');
      socks.push(third.sock);
      assert.deepEqual([third.reply.type, third.reply.error], ['error', 'Forbidden']);
      assert.equal((await third.sock.closed).code, CLOSE.connectionLimit);
      const admin = await auth('boss', 'office');
      socks.push(admin.sock);
      assert.equal(admin.reply.type, 'authenticated', 'the office reserve lets the admin in');
    } finally {
      for (const x of socks) x.ws.terminate();
      s.ctx.companies.update('acme', { max_connections: null });
    }
  });

  test('a driver over its own cap makes room by closing its oldest connection (a phone reconnecting)', async () => {
    const socks: TestSocket[] = [];
    try {
      for (let i = 0; i < 3; i++) socks.push((await auth('DR_2', 'driver')).sock);
      const fourth = await auth('DR_2', 'driver');
      socks.push(fourth.sock);
      assert.equal(fourth.reply.type, 'authenticated');
      const closed = await socks[0]!.closed;
      assert.equal(closed.code, CLOSE.connectionLimit);
      assert.match(closed.reason, /newer connection/);
      assert.equal(socks[1]!.ws.readyState, WebSocket.OPEN);
    } finally {
      for (const x of socks) x.ws.terminate();
    }
  });

  test('unauthenticated sockets from one address are bounded: the next upgrade is refused with 429 until one authenticates', async () => {
    const pending: WebSocket[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const ws = new WebSocket(s.wsUrl);
        await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
        pending.push(ws);
      }
      const refused = new WebSocket(s.wsUrl);
      refused.on('error', () => undefined);
      const status = await new Promise<number>((resolve) =>
        refused.once('unexpected-response', (req, res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        }),
      );
      assert.equal(status, 429);
      // One authenticates: there is room again.
      pending[0]!.send(JSON.stringify({ action: 'authenticate', payload: { user_id: 'DR_1', role: 'driver', token: s.token('acme', 'DR_1') } }));
      await new Promise((r) => pending[0]!.once('message', r));
      const next = await TestSocket.open(s.wsUrl);
      next.ws.terminate();
    } finally {
      for (const ws of pending) ws.terminate();
    }
  });
});

describe('slow and idle connections', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ osmandPort: 0, http: { requestTimeoutMs: 1000, headersTimeoutMs: 1000, idleTimeoutMs: 1000 } });
  });
  after(() => s.stop());

  /** Opens a raw TCP connection and resolves with how long the server kept it open. */
  const heldFor = (port: number, write: (sock: net.Socket) => void, limitMs = 8000) =>
    new Promise<number>((resolve, reject) => {
      const t0 = Date.now();
      const sock = net.connect(port, '127.0.0.1', () => write(sock));
      const give = setTimeout(() => {
        sock.destroy();
        reject(new Error(`still open after ${limitMs} ms`));
      }, limitMs);
      sock.on('data', () => undefined);
      sock.on('error', () => undefined);
      sock.on('close', () => {
        clearTimeout(give);
        resolve(Date.now() - t0);
      });
    });

  for (const port of ['main', 'OsmAnd'] as const) {
    test(`${port} port: a body sent a byte at a time is cut off at the request timeout`, async () => {
      const p = port === 'main' ? Number(new URL(s.url).port) : (s.ctx.listening.osmandPort as number);
      let timer: NodeJS.Timeout | undefined;
      const ms = await heldFor(p, (sock) => {
        sock.write('POST /osmand HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n');
        timer = setInterval(() => sock.writable && sock.write('a'), 100);
      });
      clearInterval(timer);
      assert.ok(ms < 3000, `held ${ms} ms`);
    });

    test(`${port} port: an idle connection is closed`, async () => {
      const p = port === 'main' ? Number(new URL(s.url).port) : (s.ctx.listening.osmandPort as number);
      const ms = await heldFor(p, () => undefined);
      assert.ok(ms < 3500, `held ${ms} ms`);
    });
  }
});

describe('sign-in', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ login: { maxPerAccount: 5 } });
    s.company('acme');
    await s.user('acme', 'boss', 'admin', { password: 'the right one, long' });
  });
  after(() => s.stop());
  const login = (address: string, password: string) =>
    from(address, 'POST', `${s.url}/api/v1/auth/login`, { body: JSON.stringify({ company: 'acme', user_id: 'boss', password }) });

  test('wrong passwords from another address do not lock the owner out; that address waits, longer each time', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await login('127.0.0.7', `guess-${i}`)).status, 401);
    const locked = await login('127.0.0.7', 'the right one, long');
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers['retry-after']) >= 14 * 60, String(locked.headers['retry-after']));
    const owner = await login('127.0.0.1', 'the right one, long');
    assert.equal(owner.status, 200, JSON.stringify(owner.body));
    assert.equal(owner.headers['cache-control'], 'no-store');
  });
});

describe('answers and logs', () => {
  let s: TestServer;
  const lines: string[] = [];
  before(async () => {
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }));
    s = await startTestServer({ logger, osmandPort: 0 });
    s.company('acme');
    await s.user('acme', 'boss', 'admin', { password: 'a password nobody logs' });
    await s.user('acme', 'DR_1', 'driver');
  });
  after(() => s.stop());

  test('every /api/v1 answer says Cache-Control: no-store (device keys and sign-in replies among them)', async () => {
    const token = s.token('acme', 'boss');
    for (const [method, p, body] of [
      ['GET', '/api/v1/devices', undefined],
      ['GET', '/api/v1/devices/DR_1/key', undefined],
      ['GET', '/api/v1/health', undefined],
      ['GET', '/api/v1/nothing-here', undefined],
      ['POST', '/api/v1/auth/login', { company: 'acme', user_id: 'boss', password: 'wrong' }],
    ] as const) {
      const r = await s.api(method, p, { token, body });
      assert.equal(r.headers.get('cache-control'), 'no-store', `${method} ${p} (${r.status})`);
    }
  });

  test('device keys, tokens and passwords never reach the log', async () => {
    const key = s.ctx.users.get('acme', 'DR_1')!.device_key;
    const password = 'a password nobody logs';
    const signedIn = await s.api('POST', '/api/v1/auth/login', { body: { company: 'acme', user_id: 'boss', password } });
    const token = signedIn.body.token as string;
    await fetch(`${s.url}/osmand?id=${key}&lat=48.1&lon=11.5`);
    await fetch(`http://127.0.0.1:${s.ctx.listening.osmandPort}/?id=${key}&lat=48.2&lon=11.5`);
    await s.api('POST', '/api/v1/driver/session', { body: { device_key: key } });
    await s.api('GET', '/api/v1/devices', { token });
    // and what a careless log call would write: the logger censors it
    s.ctx.logger.error({ url: `/osmand?id=${key}&lat=1`, req: { headers: { authorization: `Bearer ${token}` } }, body: { password, device_key: key } }, 'a failure');
    const all = lines.join('');
    assert.ok(all.includes('a failure'), 'all.includes(\'a failure\')');
    for (const secret of [key, token, password]) assert.equal(all.includes(secret), false, `a secret in the log: ${secret.slice(0, 6)}…`);
    assert.match(all, /\/osmand\?id=\[redacted\]&lat=1/);
  });
});
