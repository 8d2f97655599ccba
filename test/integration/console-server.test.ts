/**
 * The console bundle at `/` (SPA fallback, security headers, the page shown when it is not
 * built), server.json in the data folder, GET /api/v1/server/info and the company's tile URL.
 * Needs `npm run build:renderer` first (npm test does it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultRendererDir } from '../../main/server/config';
import { CONSOLE_CSP } from '../../main/server/http/static';
import { lanUrls } from '../../main/server/http/routes/server-info';
import { FALLBACK_BASE_URL, SERVER_FILE, localUrl, runningServerUrl, writeServerFile } from '../../main/server/server-file';
import { startTestServer, tempDir, type TestServer } from '../support/server';

const DIST = path.resolve(import.meta.dirname, '../../renderer/dist');
const EXPECTED_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https: http:; " +
  "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";

/** GET with the path sent exactly as written (fetch would normalise `..` and `%2e`). */
function rawGet(url: string, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the console bundle at /', () => {
  let s: TestServer;
  before(async () => {
    assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'renderer/dist is missing: run `npm run build:renderer` first');
    s = await startTestServer();
  });
  after(async () => {
    await s.stop();
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  });

  test('the default renderer folder is the repository’s renderer/dist', () => {
    assert.equal(defaultRendererDir(), DIST);
    assert.equal(s.ctx.config.rendererDir, DIST);
  });

  test('/ and deep links answer index.html with the strict CSP and no-cache', async () => {
    const index = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
    for (const p of ['/', '/devices/DR_1', '/settings?tab=map', '/users/OF_1/edit', '/index.html', '/?login=abc']) {
      const res = await fetch(s.url + p);
      assert.equal(res.status, 200, p);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, p);
      assert.equal(await res.text(), index, p);
      assert.equal(res.headers.get('content-security-policy'), EXPECTED_CSP, p);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', p);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', p);
      assert.equal(res.headers.get('cache-control'), 'no-cache', p);
    }
    assert.equal(CONSOLE_CSP, EXPECTED_CSP);
    const head = await fetch(s.url + '/devices/DR_1', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type') ?? '', /^text\/html/);
  });

  test('the bundle’s hashed assets are served as files, cached for good', async () => {
    const index = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];
    assert.ok(script, 'index.html loads a script from /assets/');
    const res = await fetch(s.url + script);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await res.text(), fs.readFileSync(path.join(DIST, script), 'utf8'));
  });

  test('API paths and missing assets stay JSON 404s; nothing outside the bundle is served', async () => {
    for (const [method, p] of [
      ['GET', '/api/unknown'],
      ['GET', '/api/v1/nothing-here'],
      ['GET', '/api'],
      ['GET', '/v1/unknown'],
      ['POST', '/devices/DR_1'],
      ['GET', '/assets/missing-abc123.js'],
    ] as const) {
      const res = await s.api(method, p);
      assert.equal(res.status, 404, `${method} ${p}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${method} ${p}`);
      assert.equal(res.body.error, 'NotFound', `${method} ${p}`);
    }
    const api = await s.api('GET', '/api/unknown');
    assert.deepEqual(api.body, { error: 'NotFound', message: 'no route GET /api/unknown' });
    assert.equal((await s.api('GET', '/api/v1/health')).status, 200);

    const pkg = fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8');
    for (const p of ['/assets/..%2f..%2fpackage.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json']) {
      const res = await rawGet(s.url, p);
      assert.notEqual(res.body, pkg, p);
      assert.ok(!res.body.includes('"devDependencies"'), `${p} must not leak package.json`);
    }
  });

  test('a server whose bundle is not built answers 503 with instructions; the APIs still work', async () => {
    const empty = tempDir('fleetdesk-nobundle-');
    const bare = await startTestServer({ rendererDir: empty });
    try {
      for (const p of ['/', '/devices/DR_1']) {
        const res = await fetch(bare.url + p);
        assert.equal(res.status, 503, p);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
        assert.equal(res.headers.get('content-security-policy'), EXPECTED_CSP);
        assert.match(await res.text(), /npm run build:renderer/);
      }
      assert.equal((await bare.api('GET', '/api/v1/health')).status, 200);
      const missing = await bare.api('GET', '/api/unknown');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error, 'NotFound');
    } finally {
      await bare.stop();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('server.json in the data folder', () => {
  test('written at start with the real port and pid, removed at stop', async () => {
    const s = await startTestServer();
    const file = path.join(s.dataDir, SERVER_FILE);
    const port = Number(new URL(s.url).port);
    const info = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(Object.keys(info).sort(), ['host', 'pid', 'port', 'started_at', 'url']);
    assert.equal(info.port, port);
    assert.equal(info.host, '127.0.0.1');
    assert.equal(info.url, `http://127.0.0.1:${port}`);
    assert.equal(info.pid, process.pid);
    assert.ok(Math.abs(Date.parse(info.started_at) - Date.now()) < 60_000, 'Math.abs(Date.parse(info.started_at) - Date.now()) < 60_000');
    assert.equal(runningServerUrl(s.dataDir), s.url);
    assert.deepEqual(fs.readdirSync(s.dataDir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
    await s.stop();
    assert.equal(fs.existsSync(file), false);
    assert.equal(runningServerUrl(s.dataDir), FALLBACK_BASE_URL);
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  });

  test('a server listening on every interface is reached at localhost; a crashed server’s file is ignored', () => {
    assert.equal(localUrl('0.0.0.0', 8765), 'http://localhost:8765');
    assert.equal(localUrl('::', 9000), 'http://localhost:9000');
    assert.equal(localUrl('::1', 9000), 'http://[::1]:9000');
    assert.equal(localUrl('192.168.1.5', 9000), 'http://192.168.1.5:9000');

    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeServerFile(dir, { url: 'http://localhost:4321', port: 4321, host: '0.0.0.0', pid: dead, started_at: new Date().toISOString() });
    assert.equal(runningServerUrl(dir), FALLBACK_BASE_URL);
    writeServerFile(dir, { url: 'http://localhost:4321', port: 4321, host: '0.0.0.0', pid: process.pid, started_at: new Date().toISOString() });
    assert.equal(runningServerUrl(dir), 'http://localhost:4321');
    fs.writeFileSync(path.join(dir, SERVER_FILE), '{"url": 12');
    assert.equal(runningServerUrl(dir), FALLBACK_BASE_URL);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('GET /api/v1/server/info and the company tile URL', () => {
  let s: TestServer;
  let admin: string;
  let office: string;
  before(async () => {
    s = await startTestServer();
    s.company('acme');
    await s.user('acme', 'AD_1', 'admin');
    await s.user('acme', 'OF_1', 'office');
    await s.user('acme', 'DR_1', 'driver');
    admin = s.token('acme', 'AD_1');
    office = s.token('acme', 'OF_1');
  });
  after(async () => {
    await s.stop();
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  });

  test('office and admin get version, port and LAN addresses; others 401/403', async () => {
    for (const token of [office, admin]) {
      const res = await s.api('GET', '/api/v1/server/info', { token });
      assert.equal(res.status, 200);
      // Listening on 127.0.0.1: no phone on the LAN can reach it.
      assert.deepEqual(res.body, {
        version: s.ctx.version,
        port: Number(new URL(s.url).port),
        lan_urls: [],
        https_port: null,
        osmand_port: null,
        lan_hosts: [],
        tls_fingerprint: null,
        tls_self_signed: false,
      });
    }
    assert.equal((await s.api('GET', '/api/v1/server/info')).status, 401);
    const driver = await s.api('GET', '/api/v1/server/info', { token: s.token('acme', 'DR_1') });
    assert.equal(driver.status, 403);
    assert.equal(driver.body.error, 'Forbidden');
  });

  test('LAN URLs: every LAN address for a wildcard host, none for loopback, the host itself otherwise', () => {
    const addrs = ['192.168.1.20', '10.0.0.7'];
    assert.deepEqual(lanUrls('0.0.0.0', 8765, addrs), ['http://192.168.1.20:8765', 'http://10.0.0.7:8765']);
    assert.deepEqual(lanUrls('::', 8765, addrs), ['http://192.168.1.20:8765', 'http://10.0.0.7:8765']);
    assert.deepEqual(lanUrls('127.0.0.1', 8765, addrs), []);
    assert.deepEqual(lanUrls('localhost', 8765, addrs), []);
    assert.deepEqual(lanUrls('::1', 8765, addrs), []);
    assert.deepEqual(lanUrls('192.168.1.20', 8765, addrs), ['http://192.168.1.20:8765']);
  });

  test('an admin sets the tile URL; null or "" restores OpenStreetMap; office may not', async () => {
    assert.equal((await s.api('GET', '/api/v1/company', { token: office })).body.tile_url, null);
    const tiles = 'https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png?key=abc';
    const set = await s.api('PATCH', '/api/v1/companies/acme', { token: admin, body: { tile_url: `  ${tiles} ` } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.tile_url, tiles);
    assert.equal((await s.api('GET', '/api/v1/company', { token: office })).body.tile_url, tiles);
    assert.equal(s.ctx.companies.get('acme')!.tile_url, tiles);

    const plainHttp = await s.api('PATCH', '/api/v1/companies/acme', { token: admin, body: { tile_url: 'http://10.0.0.2:8080/{z}/{x}/{y}.png' } });
    assert.equal(plainHttp.status, 200);

    const office403 = await s.api('PATCH', '/api/v1/companies/acme', { token: office, body: { tile_url: null } });
    assert.equal(office403.status, 403);

    for (const cleared of [null, '', '   ']) {
      await s.api('PATCH', '/api/v1/companies/acme', { token: admin, body: { tile_url: tiles } });
      const res = await s.api('PATCH', '/api/v1/companies/acme', { token: admin, body: { tile_url: cleared } });
      assert.equal(res.status, 200);
      assert.equal(res.body.tile_url, null, JSON.stringify(cleared));
      assert.equal(s.ctx.companies.get('acme')!.tile_url, null);
    }
  });

  test('an unusable tile URL is refused with a message saying why', async () => {
    const cases: [unknown, RegExp][] = [
      ['ftp://tiles.example.org/{z}/{x}/{y}.png', /start with http:\/\/ or https:\/\//],
      ['javascript:alert(1)//{z}/{x}/{y}', /start with http:\/\/ or https:\/\//],
      ['tiles.example.org/{z}/{x}/{y}.png', /start with http:\/\/ or https:\/\//],
      ['https://tiles.example.org/{z}/{x}.png', /\{z\}, \{x\} and \{y\} \(missing: \{y\}\)/],
      ['https://tiles.example.org/{z}/{x}/{y} .png', /spaces/],
      ['https://', /start with http:\/\/ or https:\/\/ and a host name/],
      ['https:///{z}/{x}/{y}', /and a host name/],
      ['https://[zz/{z}/{x}/{y}', /valid absolute URL/],
      [`https://tiles.example.org/{z}/{x}/{y}.png?k=${'a'.repeat(480)}`, /tile_url.*500/],
      [42, /tile_url/],
    ];
    for (const [tile_url, message] of cases) {
      const res = await s.api('PATCH', '/api/v1/companies/acme', { token: admin, body: { tile_url } });
      assert.equal(res.status, 400, `${JSON.stringify(tile_url)} → ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, 'BadRequest');
      assert.match(res.body.message, message, JSON.stringify(tile_url));
    }
    assert.equal(s.ctx.companies.get('acme')!.tile_url, null);
  });
});
