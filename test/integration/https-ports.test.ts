/**
 * The extra ports: HTTPS + WSS with a self-signed certificate kept in the data folder (or the
 * user's own), its fingerprint in /server/info, clear errors for unusable certificate files,
 * the OsmAnd port's 404 for other paths, stop() closing every port; and the CLI's
 * `device-key` and `serve --https-port/--osmand-port`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import type { TLSSocket } from 'node:tls';
import { after, describe, test } from 'node:test';
import { generate } from 'selfsigned';
import { tlsDir } from '../../main/server/tls/certificate';
import { TRACK_PATH } from '../../shared/protocol/tracking';
import { runCli, serverBundle } from '../support/cli';
import { startTestServer, tempDir, type TestServer } from '../support/server';
import { TestSocket } from '../support/ws-client';

const ROOT = path.resolve(import.meta.dirname, '../..');
const running: TestServer[] = [];
after(async () => {
  for (const s of running.splice(0)) await s.stop();
});

async function start(config: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer({ httpsPort: 0, osmandPort: 0, ...config });
  running.push(s);
  return s;
}

async function stop(s: TestServer): Promise<void> {
  running.splice(running.indexOf(s), 1);
  await s.stop();
}

interface HttpsReply {
  status: number;
  body: any;
  fingerprint: string;
}

/** GET over HTTPS accepting any certificate; returns the peer certificate's SHA-256 fingerprint too. */
function httpsGet(port: number, pathname: string, token?: string): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: pathname, rejectUnauthorized: false, agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, fingerprint }));
      },
    );
    req.on('error', reject);
  });
}

/** A plain HTTP request to any port on 127.0.0.1. */
async function httpGet(port: number, pathname: string): Promise<{ status: number; body: any; type: string | null }> {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, type: res.headers.get('content-type') };
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve('connected');
    });
    sock.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function ownCertificate(dir: string, name = 'own'): Promise<{ certFile: string; keyFile: string; cert: string }> {
  const made = await generate([{ name: 'commonName', value: `fleet.example.test ${name}` }], {
    keyType: 'ec',
    notAfterDate: new Date(Date.now() + 30 * 24 * 3600 * 1000),
    algorithm: 'sha256',
  });
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  fs.writeFileSync(certFile, made.cert);
  fs.writeFileSync(keyFile, made.private);
  return { certFile, keyFile, cert: made.cert };
}

describe('HTTPS and WSS', () => {
  test('HTTPS answers with a self-signed certificate whose fingerprint /server/info shows; it is kept and reused', async () => {
    const s = await start();
    const { httpsPort, osmandPort, tlsFingerprint, port } = s.ctx.listening;
    assert.ok(httpsPort && httpsPort !== port && osmandPort && osmandPort !== port && osmandPort !== httpsPort, 'httpsPort && httpsPort !== port && osmandPort && osmandPort !== port && osmandPort !== httpsPort');
    const health = await httpsGet(httpsPort, '/api/v1/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    assert.match(health.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

    s.company('acme');
    await s.user('acme', 'ops', 'office');
    const token = s.token('acme', 'ops');
    const info = await s.api('GET', '/api/v1/server/info', { token });
    assert.equal(info.status, 200);
    assert.equal(info.body.tls_fingerprint, health.fingerprint);
    assert.equal(info.body.tls_fingerprint, tlsFingerprint);
    assert.equal(info.body.tls_self_signed, true);
    assert.equal(info.body.https_port, httpsPort);
    assert.equal(info.body.osmand_port, osmandPort);
    assert.equal(info.body.port, port);
    // the same app answers on the HTTPS port, auth and all
    const viaHttps = await httpsGet(httpsPort, '/api/v1/server/info', token);
    assert.deepEqual(viaHttps.body, info.body);
    assert.equal((await httpsGet(httpsPort, '/api/v1/server/info')).status, 401);

    const dir = tlsDir(s.dataDir);
    assert.ok(fs.existsSync(path.join(dir, 'cert.pem')), 'fs.existsSync(path.join(dir, \'cert.pem\'))');
    const keyMode = fs.statSync(path.join(dir, 'key.pem')).mode & 0o777;
    assert.equal(keyMode & 0o077, 0, `the private key is private (mode ${keyMode.toString(8)})`);

    await stop(s);
    const again = await start({ dataDir: s.dataDir });
    assert.equal(again.ctx.listening.tlsFingerprint, tlsFingerprint, 'same certificate after a restart');
    assert.equal((await httpsGet(again.ctx.listening.httpsPort!, '/api/v1/health')).fingerprint, tlsFingerprint);
  });

  test('WSS /v1/track works on the HTTPS port', async () => {
    const s = await start();
    s.company('acme');
    await s.user('acme', 'DR_1', 'driver');
    await s.user('acme', 'ops', 'office');
    const wss = `wss://127.0.0.1:${s.ctx.listening.httpsPort}${TRACK_PATH}`;
    const office = await TestSocket.open(wss, { rejectUnauthorized: false });
    const driver = await TestSocket.open(wss, { rejectUnauthorized: false });
    try {
      assert.equal((await office.authenticate('ops', 'office', s.token('acme', 'ops'))).type, 'authenticated');
      office.send({ action: 'subscribe', entity: 'company:drivers' });
      await office.nextOfType('subscribed');
      assert.equal((await driver.authenticate('DR_1', 'driver', s.token('acme', 'DR_1'))).type, 'authenticated');
      const t = Date.now();
      driver.send({ action: 'driver_location', id: 'DR_1', seq: 1, payload: { lat: 9.01, lng: 38.7, speed: 36, bearing: 0, timestamp: t } });
      assert.deepEqual(await driver.next(), { type: 'ack', seq: 1 });
      const u = await office.nextOfType('location_update');
      assert.equal(u.id, 'DR_1');
      assert.equal(u.payload.timestamp, new Date(t).toISOString());
      // an unknown path on the HTTPS port is refused like on the main port
      const bad = new TestSocket(`wss://127.0.0.1:${s.ctx.listening.httpsPort}/v1/nope`, { rejectUnauthorized: false });
      await assert.rejects(bad.opened, /404/);
    } finally {
      office.ws.terminate();
      driver.ws.terminate();
    }
  });

  test("the user's own certificate is used instead (not self-signed), and nothing is generated", async () => {
    const dir = tempDir();
    const own = await ownCertificate(dir);
    const s = await start({ tls: { certFile: own.certFile, keyFile: own.keyFile } });
    const expected = new (await import('node:crypto')).X509Certificate(own.cert).fingerprint256;
    assert.equal(s.ctx.listening.tlsFingerprint, expected);
    assert.equal(s.ctx.listening.tlsSelfSigned, false);
    assert.equal((await httpsGet(s.ctx.listening.httpsPort!, '/api/v1/health')).fingerprint, expected);
    s.company('acme');
    await s.user('acme', 'ops', 'office');
    const info = await s.api('GET', '/api/v1/server/info', { token: s.token('acme', 'ops') });
    assert.equal(info.body.tls_fingerprint, expected);
    assert.equal(info.body.tls_self_signed, false);
    assert.equal(fs.existsSync(tlsDir(s.dataDir)), false);
  });

  test('unusable certificate files: start() rejects with a message naming the file, and binds nothing', async () => {
    const dir = tempDir();
    const a = await ownCertificate(dir, 'a');
    const b = await ownCertificate(dir, 'b');
    const junk = path.join(dir, 'junk.pem');
    fs.writeFileSync(junk, 'this is not a certificate\n');
    const missing = path.join(dir, 'missing.crt');
    const cases: [{ certFile: string; keyFile: string }, RegExp][] = [
      [{ certFile: missing, keyFile: a.keyFile }, /cannot read the TLS certificate .*missing\.crt/],
      [{ certFile: a.certFile, keyFile: missing }, /cannot read the TLS private key .*missing\.crt/],
      [{ certFile: dir, keyFile: a.keyFile }, /cannot read the TLS certificate/],
      [{ certFile: junk, keyFile: a.keyFile }, /cannot use the TLS certificate .*junk\.pem: it is not a PEM certificate/],
      [{ certFile: a.certFile, keyFile: junk }, /cannot use the TLS private key .*junk\.pem: it is not a PEM private key/],
      [{ certFile: a.certFile, keyFile: b.keyFile }, /cannot use the TLS private key .*b\.key: it is not the key of the certificate .*a\.crt/],
    ];
    const port = await freePort();
    for (const [tls, message] of cases) {
      await assert.rejects(startTestServer({ httpsPort: 0, osmandPort: null, tls, port }), (err: Error) => {
        assert.match(err.message, message);
        return true;
      });
      assert.equal(await refused(port), 'ECONNREFUSED', 'the main port was closed again');
    }
    // a corrupted self-signed certificate in the data folder is named too
    const data = tempDir();
    fs.mkdirSync(tlsDir(data));
    fs.writeFileSync(path.join(tlsDir(data), 'cert.pem'), 'garbage');
    fs.writeFileSync(path.join(tlsDir(data), 'key.pem'), 'garbage');
    await assert.rejects(startTestServer({ dataDir: data, httpsPort: 0 }), /cannot use the TLS certificate .*cert\.pem/);
  });

  test('an extra port in use: start() rejects with EADDRINUSE and leaves no port open', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      for (const ports of [{ httpsPort: busy, osmandPort: null }, { httpsPort: 0, osmandPort: busy }]) {
        const port = await freePort();
        await assert.rejects(startTestServer({ ...ports, port }), (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE');
        assert.equal(await refused(port), 'ECONNREFUSED', 'the main port was closed again');
      }
    } finally {
      blocker.close();
    }
  });

  test('the OsmAnd port answers 404 JSON for paths other than /; stop() closes every port', async () => {
    const s = await start();
    const { port, httpsPort, osmandPort } = s.ctx.listening;
    for (const p of ['/api/v1/health', '/osmand', '/osmand?id=x', '/v1/track', '/index.html', '//']) {
      const r = await httpGet(osmandPort!, p);
      assert.equal(r.status, 404, p);
      assert.equal(r.body.error, 'NotFound');
      assert.match(r.body.message, /OsmAnd protocol/);
      assert.match(r.type ?? '', /application\/json/);
    }
    // a WebSocket upgrade on the OsmAnd port is not accepted
    const ws = new TestSocket(`ws://127.0.0.1:${osmandPort}${TRACK_PATH}`);
    await assert.rejects(ws.opened);

    // open connections on every port do not keep stop() waiting
    const keepAlive = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => https.get({ host: '127.0.0.1', port: httpsPort!, path: '/api/v1/health', agent: keepAlive }, (res) => res.resume().on('end', resolve)).on('error', reject));
    const idle = net.connect(osmandPort!, '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    await stop(s);
    keepAlive.destroy();
    idle.destroy();
    for (const p of [port, httpsPort!, osmandPort!]) assert.equal(await refused(p), 'ECONNREFUSED', `port ${p}`);
  });

  test('httpsPort/osmandPort null: no extra ports, /server/info says so', async () => {
    const s = await start({ httpsPort: null, osmandPort: null });
    s.company('acme');
    await s.user('acme', 'ops', 'office');
    const info = await s.api('GET', '/api/v1/server/info', { token: s.token('acme', 'ops') });
    assert.equal(info.body.https_port, null);
    assert.equal(info.body.osmand_port, null);
    assert.equal(info.body.tls_fingerprint, null);
    assert.equal(fs.existsSync(tlsDir(s.dataDir)), false, 'no certificate is made when HTTPS is off');
  });
});

describe('CLI', () => {
  test('device-key prints the key, --rotate a new one; errors are one line', () => {
    const data = tempDir();
    assert.equal(runCli(['company', 'add', 'Acme', '--id', 'acme', '--data', data]).status, 0);
    assert.equal(runCli(['user', 'add', '--company', 'acme', '--id', 'DR_1', '--role', 'driver', '--data', data]).status, 0);
    assert.equal(runCli(['user', 'add', '--company', 'acme', '--id', 'ops', '--role', 'office', '--password', 'change me now', '--data', data]).status, 0);

    const shown = runCli(['device-key', '--company', 'acme', '--user', 'DR_1', '--data', data]);
    assert.equal(shown.status, 0, shown.stderr);
    const key = shown.stdout.trim();
    assert.match(key, /^[A-Za-z0-9_-]{24}$/);
    assert.equal(shown.stdout, `${key}\n`);
    assert.equal(runCli(['device-key', '--company', 'acme', '--user', 'DR_1', '--data', data]).stdout.trim(), key, 'stable');

    const rotated = runCli(['device-key', '--company', 'acme', '--user', 'DR_1', '--rotate', '--data', data]);
    assert.equal(rotated.status, 0, rotated.stderr);
    const next = rotated.stdout.trim();
    assert.match(next, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(next, key);
    assert.equal(runCli(['device-key', '--company', 'acme', '--user', 'DR_1', '--data', data]).stdout.trim(), next);

    for (const [args, message] of [
      [['--company', 'acme', '--user', 'ops'], /not a driver/],
      [['--company', 'acme', '--user', 'ops', '--rotate'], /not a driver/],
      [['--company', 'acme', '--user', 'nobody'], /nobody/],
      [['--company', 'nope', '--user', 'DR_1'], /nope/],
      [['--company', 'acme'], /--user/],
    ] as const) {
      const r = runCli(['device-key', ...args, '--data', data]);
      assert.notEqual(r.status, 0, args.join(' '));
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal(runCli(['device-key', '--company', 'acme', '--user', 'DR_1', '--data', data]).stdout.trim(), next, 'errors changed nothing');
  });

  test('serve --https-port/--osmand-port prints the HTTPS line with the fingerprint; both ports answer', async () => {
    const data = tempDir();
    const [httpsPort, osmandPort] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      [await serverBundle(), 'serve', '--host', '127.0.0.1', '--port', '0', '--https-port', String(httpsPort), '--osmand-port', String(osmandPort), '--data', data, '--log-level', 'warn'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const lines: string[] = [];
      await new Promise<void>((resolve, reject) => {
        readline.createInterface({ input: child.stdout }).on('line', (line) => {
          lines.push(line);
          if (line.startsWith('OsmAnd protocol')) resolve();
        });
        void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      assert.match(lines[0]!, /^FleetDesk listening on http:\/\/127\.0\.0\.1:\d+$/);
      const m = /^HTTPS for phones' browsers on https:\/\/127\.0\.0\.1:(\d+) \(certificate SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})\)$/.exec(lines[1] ?? '');
      assert.ok(m, `HTTPS line: ${lines[1]}`);
      assert.equal(Number(m[1]), httpsPort);
      assert.equal(lines[2], `OsmAnd protocol (Traccar Client) on port ${osmandPort}`);
      const health = await httpsGet(httpsPort, '/api/v1/health');
      assert.equal(health.status, 200);
      assert.equal(health.fingerprint, m[2]);
      assert.equal((await httpGet(osmandPort, '/elsewhere')).status, 404);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    for (const p of [httpsPort, osmandPort]) assert.equal(await refused(p), 'ECONNREFUSED');
  });

  test('serve with unusable certificate files or half of the pair exits with one clear line', async () => {
    const data = tempDir();
    const junk = path.join(data, 'junk.pem');
    fs.writeFileSync(junk, 'nope');
    const run = async (extra: string[]) => {
      const child = spawn(process.execPath, [await serverBundle(), 'serve', '--host', '127.0.0.1', '--port', '0', '--https-port', '0', '--osmand-port', '0', ...extra, '--data', data, '--log-level', 'error'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { code, stderr };
    };
    // --https-port 0 disables HTTPS, so the certificate is only read when HTTPS is on
    const port = await freePort();
    for (const [extra, message] of [
      [['--tls-cert', junk], /--tls-cert and --tls-key go together/],
      [['--https-port', String(port), '--tls-cert', junk, '--tls-key', junk], /cannot use the TLS certificate .*junk\.pem/],
      [['--https-port', String(port), '--tls-cert', path.join(data, 'none.pem'), '--tls-key', junk], /cannot read the TLS certificate/],
    ] as const) {
      const r = await run([...extra]);
      assert.notEqual(r.code, 0);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
