import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, startServe } from '../support/cli';
import { SERVER_MALLOC_ENV } from '../../main/server/malloc-env';
import { SERVER_V8_FLAGS } from '../../main/server/v8-flags';
import { tempDir } from '../support/server';
import { TestSocket } from '../support/ws-client';

const oneErrorLine = (stderr: string, pattern: RegExp) => {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one stderr line, got: ${stderr}`);
  assert.match(lines[0]!, /^fleetdesk: /);
  assert.match(lines[0]!, pattern);
};

test('company add, user add and token print what scripts need; errors are one line and a non-zero exit', () => {
  const data = tempDir();
  const c = runCli(['company', 'add', 'Acme Logistics', '--data', data]);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout.trim(), 'acme-logistics');
  assert.equal(runCli(['company', 'add', 'Acme Logistics', '--data', data]).stdout.trim(), 'acme-logistics-2');
  assert.equal(runCli(['company', 'add', 'Beta', '--id', 'beta', '--data', data]).stdout.trim(), 'beta');

  const dup = runCli(['company', 'add', 'Beta', '--id', 'beta', '--data', data]);
  assert.equal(dup.status, 1);
  oneErrorLine(dup.stderr, /already exists/);

  const u = runCli(['user', 'add', '--company', 'beta', '--id', 'DR_1', '--role', 'driver', '--name', 'Van 1', '--data', data]);
  assert.equal(u.status, 0, u.stderr);
  assert.equal(u.stdout.trim(), 'DR_1');
  const office = runCli(['user', 'add', '--company', 'beta', '--id', 'ops', '--role', 'office', '--password-stdin', '--data', data], 'correct horse\n');
  assert.equal(office.status, 0, office.stderr);

  const tok = runCli(['token', '--company', 'beta', '--user', 'DR_1', '--ttl', '120', '--data', data]);
  assert.equal(tok.status, 0, tok.stderr);
  const [, payload] = tok.stdout.trim().split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
  assert.equal(claims.sub, 'DR_1');
  assert.equal(claims.role, 'driver');
  assert.equal(claims.company, 'beta');
  assert.equal(claims.exp - claims.iat, 120);

  const secret = path.join(data, 'jwt-secret');
  assert.equal(fs.statSync(secret).mode & 0o777, 0o600);

  const cases: [string[], RegExp][] = [
    [['user', 'add', '--company', 'nope', '--id', 'x', '--role', 'office'], /no company "nope"/],
    [['user', 'add', '--company', 'beta', '--id', 'x', '--role', 'chief'], /Allowed choices are admin, office, driver/],
    [['user', 'add', '--company', 'beta', '--id', 'DR_1', '--role', 'driver'], /already exists/],
    [['user', 'add', '--company', 'beta', '--id', 'bad id', '--role', 'office'], /not valid/],
    [['user', 'add', '--company', 'beta', '--id', 'x', '--role', 'office', '--password', 'short'], /at least 8 characters/],
    [['user', 'add', '--company', 'beta', '--id', 'x', '--role', 'driver', '--password', 'longenough'], /drivers have no password/],
    [['token', '--company', 'beta', '--user', 'nobody'], /no user "nobody"/],
    [['token', '--company', 'beta', '--user', 'DR_1', '--ttl', '5s'], /--ttl must be a whole number/],
    [['token', '--company', 'beta', '--user', 'DR_1', '--ttl', '0'], /--ttl must be a whole number of seconds from 1/],
    [['token', '--company', 'beta'], /required option '--user/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [args, pattern] of cases) {
    const r = runCli([...args, '--data', data]);
    assert.notEqual(r.status, 0, `${args.join(' ')} should fail`);
    oneErrorLine(r.stderr, pattern);
  }
});

test('serve: prints its address, the CLI works beside it, SIGTERM acks and stores everything then closes sockets with 1001', async () => {
  const data = tempDir();
  const srv = await startServe(['--host', '127.0.0.1', '--port', '0', '--data', data, '--log-level', 'warn']);
  try {
    assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    // The CLI writes to the same SQLite file while the server runs.
    assert.equal(runCli(['company', 'add', 'Acme', '--id', 'acme', '--data', data]).status, 0);
    const drivers = Array.from({ length: 4 }, (_, i) => `DR_${i}`);
    for (const d of drivers) assert.equal(runCli(['user', 'add', '--company', 'acme', '--id', d, '--role', 'driver', '--data', data]).status, 0);
    const wsUrl = srv.url.replace('http', 'ws') + '/v1/track';
    const sockets = await Promise.all(
      drivers.map(async (d) => {
        const token = runCli(['token', '--company', 'acme', '--user', d, '--data', data]).stdout.trim();
        const s = await TestSocket.open(wsUrl);
        assert.equal((await s.authenticate(d, 'driver', token)).type, 'authenticated');
        return s;
      }),
    );
    // Each driver sends one fix with a seq, then the server is told to stop at once.
    sockets.forEach((s, i) => s.send({ action: 'driver_location', id: drivers[i], seq: 7, payload: { lat: 48.1 + i / 1000, lng: 11.5, speed: 30, bearing: 10 } }));
    srv.child.kill('SIGTERM');
    const outcomes = await Promise.all(sockets.map(async (s) => ({ ack: await s.nextOfType('ack', 5000), closed: await s.closed })));
    for (const o of outcomes) {
      assert.deepEqual(o.ack, { type: 'ack', seq: 7 });
      assert.equal(o.closed.code, 1001);
    }
    const exit = await srv.exited;
    assert.equal(exit.code, 0, srv.stderr());
    const db = new Database(path.join(data, 'fleetdesk.sqlite'), { readonly: true });
    assert.equal((db.prepare('SELECT count(*) AS n FROM positions').get() as { n: number }).n, drivers.length);
    db.close();
  } finally {
    srv.child.kill('SIGKILL');
  }
});

test('serve started without the memory settings npm run serve gives it says so once in its log; with them, nothing', async () => {
  const without = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in SERVER_MALLOC_ENV)));
  const message = "started without FleetDesk's memory settings";
  const logged = async (env: NodeJS.ProcessEnv, nodeFlags: readonly string[]) => {
    const srv = await startServe(['--host', '127.0.0.1', '--port', '0', '--data', tempDir()], 15000, env, nodeFlags);
    try {
      srv.child.kill('SIGTERM');
      assert.equal((await srv.exited).code, 0, srv.stderr());
      return srv.stderr().split('\n').filter((l) => l.includes(message));
    } finally {
      srv.child.kill('SIGKILL');
    }
  };
  const bare = await logged(without, []);
  assert.equal(bare.length, 1, 'one line');
  const glibc = process.platform === 'linux' ? ['MALLOC_ARENA_MAX=2', 'MALLOC_TRIM_THRESHOLD_=131072'] : [];
  assert.deepEqual(JSON.parse(bare[0]!).missing, [...glibc, ...SERVER_V8_FLAGS]);
  assert.deepEqual(await logged({ ...without, ...SERVER_MALLOC_ENV }, SERVER_V8_FLAGS), []);
});

test('serve refuses a database newer than it understands, and a port in use, with one clear line', async () => {
  const data = tempDir();
  const db = new Database(path.join(data, 'fleetdesk.sqlite'));
  db.pragma('user_version = 999');
  db.close();
  // (its folder was made by the test with the usual umask: the server's log says it made it private)
  await assert.rejects(startServe(['--host', '127.0.0.1', '--port', '0', '--data', data, '--log-level', 'error']), (err: Error & { code: number; stderr: string }) => {
    assert.equal(err.code, 1);
    oneErrorLine(err.stderr, /schema is version 999, newer than this FleetDesk understands/);
    return true;
  });

  const blocker = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    await assert.rejects(startServe(['--host', '127.0.0.1', '--port', String(port), '--data', tempDir(), '--log-level', 'silent']), (err: Error & { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      oneErrorLine(err.stderr, /already in use/);
      return true;
    });
  } finally {
    blocker.close();
  }
});

test('serve on a data folder another FleetDesk already serves (another serve, the desktop app) refuses in one line; the first goes on', async () => {
  const data = tempDir();
  const first = await startServe(['--host', '127.0.0.1', '--port', '0', '--data', data, '--log-level', 'error']);
  try {
    await assert.rejects(startServe(['--host', '127.0.0.1', '--port', '0', '--data', data, '--log-level', 'error']), (err: Error & { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      oneErrorLine(err.stderr, new RegExp(`already serves the data folder .* at http://127\\.0\\.0\\.1:${new URL(first.url).port} \\(process ${first.child.pid}`));
      return true;
    });
    assert.equal((await fetch(`${first.url}/api/v1/health`)).status, 200);
  } finally {
    first.child.kill('SIGTERM');
    await first.exited;
  }
  // Once it stopped, the folder is free again.
  const second = await startServe(['--host', '127.0.0.1', '--port', '0', '--data', data, '--log-level', 'error']);
  second.child.kill('SIGTERM');
  await second.exited;
});

test('serve --clock-tolerance: minutes from 0.5 to 1440; anything else is one clear line', () => {
  for (const bad of ['0', 'abc', '-5', '2000', '5min']) {
    const r = runCli(['serve', '--host', '127.0.0.1', '--port', '0', '--https-port', '0', '--osmand-port', '0', '--data', tempDir(), '--clock-tolerance', bad]);
    assert.equal(r.status, 1, `${bad}: ${r.stderr}`);
    oneErrorLine(r.stderr, new RegExp(`--clock-tolerance is in minutes, from 0.5 to 1440, not "${bad}"`));
  }
});

test('serve notification flags: bad values and unreadable CA files are one clear line each', () => {
  const notPem = path.join(tempDir(), 'ca.txt');
  fs.writeFileSync(notPem, 'hello');
  const cases: [string[], RegExp][] = [
    [['--heartbeat-interval', 'often'], /--heartbeat-interval is in minutes, from 0 to 1440, not "often"/],
    [['--notify-max-attempts', '0'], /--notify-max-attempts is a count, from 1 to 1000, not "0"/],
    [['--notify-max-age', '-1'], /--notify-max-age is in hours, from 0.1 to 720, not "-1"/],
    [['--notify-sender', '  '], /--notify-sender must be a name of 1 to 100 characters/],
    [['--notify-ca', '/nonexistent/ca.pem'], /cannot read --notify-ca \/nonexistent\/ca.pem: ENOENT/],
    [['--notify-ca', notPem], /is not a PEM certificate/],
  ];
  for (const [flags, message] of cases) {
    const r = runCli(['serve', '--host', '127.0.0.1', '--port', '0', '--https-port', '0', '--osmand-port', '0', '--data', tempDir(), ...flags]);
    assert.equal(r.status, 1, `${flags.join(' ')}: ${r.stderr}`);
    oneErrorLine(r.stderr, message);
  }
});

test('login-link prints a one-time sign-in URL for office and admin users; errors are one line', () => {
  const data = tempDir();
  assert.equal(runCli(['company', 'add', 'Acme', '--id', 'acme', '--data', data]).status, 0);
  assert.equal(runCli(['user', 'add', '--company', 'acme', '--id', 'ops', '--role', 'office', '--password', 'change me now', '--data', data]).status, 0);
  assert.equal(runCli(['user', 'add', '--company', 'acme', '--id', 'DR_1', '--role', 'driver', '--data', data]).status, 0);

  // No server running on the folder: the default address.
  const r = runCli(['login-link', '--company', 'acme', '--user', 'ops', '--data', data]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout.trim(), /^http:\/\/localhost:8765\/\?login=[A-Za-z0-9_-]{43}$/);
  const custom = runCli(['login-link', '--company', 'acme', '--user', 'ops', '--url', 'https://fleet.example.com/', '--ttl', '60', '--data', data]);
  assert.equal(custom.status, 0, custom.stderr);
  assert.match(custom.stdout.trim(), /^https:\/\/fleet\.example\.com\/\?login=[A-Za-z0-9_-]{43}$/);
  const db = new Database(path.join(data, 'fleetdesk.sqlite'), { readonly: true });
  const rows = db.prepare('SELECT expires_at - created_at AS ttl FROM login_links ORDER BY created_at').all() as { ttl: number }[];
  db.close();
  assert.deepEqual(
    rows.map((x) => x.ttl),
    [15 * 60_000, 60_000],
  );

  const cases: [string[], RegExp][] = [
    [['--user', 'DR_1'], /sign-in links are for office and admin users/],
    [['--user', 'nobody'], /no user "nobody" in company "acme"/],
    [['--user', 'ops', '--ttl', 'soon'], /--ttl must be a whole number of seconds/],
    [['--user', 'ops', '--ttl', '5'], /from 10 seconds to 7 days/],
    [['--user', 'ops', '--ttl', String(8 * 24 * 3600)], /from 10 seconds to 7 days/],
    [['--user', 'ops', '--url', 'fleet.example.com'], /--url must be an http:\/\/ or https:\/\/ address/],
    [['--user', 'ops', '--url', 'ftp://fleet.example.com'], /--url must be an http:\/\/ or https:\/\/ address/],
    [[], /required option '--user/],
  ];
  for (const [args, pattern] of cases) {
    const res = runCli(['login-link', '--company', 'acme', ...args, '--data', data]);
    assert.notEqual(res.status, 0, `${args.join(' ')} should fail`);
    oneErrorLine(res.stderr, pattern);
  }
  const other = runCli(['login-link', '--company', 'nope', '--user', 'ops', '--data', data]);
  oneErrorLine(other.stderr, /no company "nope"/);
});

test('serve writes server.json; login-link points at the running server; the link signs in; server.json goes at stop', async () => {
  const data = tempDir();
  assert.equal(runCli(['company', 'add', 'Acme', '--id', 'acme', '--data', data]).status, 0);
  assert.equal(runCli(['user', 'add', '--company', 'acme', '--id', 'ops', '--role', 'admin', '--password', 'change me now', '--data', data]).status, 0);
  const srv = await startServe(['--host', '127.0.0.1', '--port', '0', '--data', data, '--log-level', 'warn']);
  try {
    const port = Number(new URL(srv.url).port);
    const info = JSON.parse(fs.readFileSync(path.join(data, 'server.json'), 'utf8'));
    assert.equal(info.port, port);
    assert.equal(info.url, srv.url);
    assert.equal(info.pid, srv.child.pid);

    const out = runCli(['login-link', '--company', 'acme', '--user', 'ops', '--data', data]);
    assert.equal(out.status, 0, out.stderr);
    const url = new URL(out.stdout.trim());
    assert.equal(url.origin, srv.url);
    assert.equal(url.pathname, '/');
    const code = url.searchParams.get('login');
    assert.ok(code, 'code');

    // The link's page is the console; its code signs in once.
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const signIn = async () => fetch(`${srv.url}/api/v1/auth/link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    const first = await signIn();
    assert.equal(first.status, 200);
    const session = (await first.json()) as { token: string; user: { id: string; role: string } };
    assert.deepEqual(session.user, { id: 'ops', role: 'admin', company: 'acme' });
    const info2 = await fetch(`${srv.url}/api/v1/server/info`, { headers: { authorization: `Bearer ${session.token}` } });
    assert.equal(((await info2.json()) as { port: number }).port, port);
    assert.equal((await signIn()).status, 401);

    srv.child.kill('SIGTERM');
    assert.equal((await srv.exited).code, 0, srv.stderr());
    assert.equal(fs.existsSync(path.join(data, 'server.json')), false);
    // With the server gone, links point at the default address again.
    assert.match(runCli(['login-link', '--company', 'acme', '--user', 'ops', '--data', data]).stdout, /^http:\/\/localhost:8765\/\?login=/);
  } finally {
    srv.child.kill('SIGKILL');
  }
});
