/**
 * One tracking server per data folder. The case that started it: `npm run serve` running on
 * the folder and the desktop app launched on it too; before, the app fell back to a free port
 * and opened a second server (two writers on one SQLite file, the window on the one phones do
 * not send to). Now the window opens on the running server; a server that holds the folder but
 * does not answer stops the launch with an explanation; a port another program holds moves,
 * the user is told, and the new port is kept for the next launch.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { startDesktopApp } from '../../main/electron/desktop-app';
import { DESKTOP_SETTINGS_FILE, loadDesktopSettings } from '../../main/electron/desktop-settings';
import { findExistingServer } from '../../main/server/existing-server';
import { createTrackingServer } from '../../main/server/index';
import { SCHEMA_VERSION } from '../../main/server/store/migrations';
import { readServerFile, serverFileInfo, SERVER_FILE, writeServerFile } from '../../main/server/server-file';
import { startServe } from '../support/cli';
import { createElectronStub, ipcEventFrom, type ElectronStub } from '../support/electron-stub';
import { tempDir } from '../support/server';

const logger = pino({ level: 'silent' });

function launch(e: ElectronStub, dataDir: string, port: number) {
  return startDesktopApp({
    electron: e.api,
    createServer: createTrackingServer,
    logger,
    dataDir,
    host: '127.0.0.1',
    port,
    httpsPort: null,
    osmandPort: null,
    preloadPath: '/app/out/preload.cjs',
    trayIconPath: '/app/out/tray.png',
    lanAddresses: () => [],
    probe: { timeoutMs: 500 },
  });
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

test('beside `npm run serve` on the same folder, the window opens on that server and no second one starts', async () => {
  const dataDir = tempDir();
  const servePort = await freePort();
  const serve = await startServe(['--data', dataDir, '--host', '127.0.0.1', '--port', String(servePort), '--log-level', 'silent']);
  try {
    const wanted = await freePort(); // a free port of its own would let a second server start
    const e = createElectronStub();
    const desktop = launch(e, dataDir, wanted);
    await desktop.lifecycle.started;
    assert.equal(desktop.lifecycle.state, 'running');
    const server = desktop.server()!;
    assert.equal(server.mode, 'existing');
    assert.equal(server.localUrl, `http://127.0.0.1:${servePort}`);
    assert.equal(server.ownerPid, serve.child.pid);
    assert.equal(await listening(wanted), false, 'no server of its own');
    assert.deepEqual(e.windows[0]!.loaded, [`http://127.0.0.1:${servePort}/`]);
    assert.equal(readServerFile(dataDir)!.pid, serve.child.pid, 'server.json still names the one server');
    assert.equal(e.trays[0]!.item(`Using the server already running on :${servePort}`).enabled, false);

    // The window's session is the desktop owner's, valid on the running server.
    const session = (await e.ipcMain.invoke('session:get', ipcEventFrom(e.windows[0]!))) as { serverUrl: string; token: string };
    assert.equal(session.serverUrl, `http://127.0.0.1:${servePort}`);
    const company = await fetch(`${session.serverUrl}/api/v1/company`, { headers: { authorization: `Bearer ${session.token}` } });
    assert.equal(company.status, 200);

    e.app.quit();
    await desktop.lifecycle.stopped;
    const health = await fetch(`http://127.0.0.1:${servePort}/api/v1/health`);
    assert.equal(health.status, 200, 'quitting the app leaves the other server running');
    assert.equal(readServerFile(dataDir)!.pid, serve.child.pid);
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
});

test('a server that holds the folder but does not answer stops the launch with an explanation', async () => {
  const dataDir = tempDir();
  // Accepts connections and never answers: a hung server, as far as anyone can tell.
  const hung = net.createServer(() => {});
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  const port = (hung.address() as net.AddressInfo).port;
  writeServerFile(dataDir, serverFileInfo('127.0.0.1', port, Date.now())); // this test's own pid: alive
  try {
    const e = createElectronStub();
    const desktop = launch(e, dataDir, await freePort());
    await desktop.lifecycle.started;
    assert.equal(desktop.lifecycle.state, 'failed');
    assert.equal(e.errorBoxes[0]!.title, 'FleetDesk could not start');
    assert.match(e.errorBoxes[0]!.content, new RegExp(`Another FleetDesk server \\(process ${process.pid}\\) is using the data folder .* but it does not answer at http://127\\.0\\.0\\.1:${port} \\(no answer within 0\\.5 s\\)\\. .*Stop that server, or wait for it to finish starting, then open FleetDesk again\\.`));
    assert.equal(e.app.exitCode, 1);
    assert.equal(e.windows.length, 0);
    assert.equal(fs.existsSync(path.join(dataDir, 'fleetdesk.sqlite')), false, 'the database was not opened');
  } finally {
    hung.close();
  }
});

test('a server.json left behind (dead process, or nothing on its port) does not keep the app from starting', async () => {
  const dataDir = tempDir();
  writeServerFile(dataDir, { ...serverFileInfo('127.0.0.1', await freePort(), Date.now()), pid: 2 ** 22 + 12345 });
  assert.deepEqual(await findExistingServer(dataDir), { kind: 'none' });
  writeServerFile(dataDir, serverFileInfo('127.0.0.1', await freePort(), Date.now())); // a live pid, nothing listening
  assert.deepEqual(await findExistingServer(dataDir), { kind: 'none' });

  const e = createElectronStub();
  const desktop = launch(e, dataDir, 0);
  await desktop.lifecycle.started;
  assert.equal(desktop.server()!.mode, 'embedded');
  assert.equal(readServerFile(dataDir)!.port, desktop.server()!.port, 'its own server.json replaces the stale one');
  e.app.quit();
  await desktop.lifecycle.stopped;
  assert.equal(fs.existsSync(path.join(dataDir, SERVER_FILE)), false);
});

test('a port another program holds moves; the user is told which, and the next launch keeps it', async () => {
  const dataDir = tempDir();
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  let movedTo: number;
  try {
    const e = createElectronStub();
    const desktop = launch(e, dataDir, taken);
    await desktop.lifecycle.started;
    const server = desktop.server()!;
    assert.equal(server.mode, 'embedded');
    movedTo = server.port;
    assert.notEqual(movedTo, taken);
    assert.deepEqual(server.moves, [{ name: 'port', wanted: taken, got: movedTo }]);
    assert.deepEqual(e.notifications.map((n) => [n.title, n.body]), [
      [
        `FleetDesk is on port ${movedTo}`,
        `Port ${taken} is used by another program, so FleetDesk uses ${movedTo} instead. Phones must send to the new port; FleetDesk keeps it from now on (the "ports" entry of desktop.json in the data folder).`,
      ],
    ]);
    e.trays[0]!.item(`Server running on :${movedTo} (${taken} was taken)`);
    assert.deepEqual(loadDesktopSettings(dataDir).settings.ports, { port: movedTo, httpsPort: null, osmandPort: null });
    e.app.quit();
    await desktop.lifecycle.stopped;
  } finally {
    blocker.close();
  }

  // Next launch: the remembered port, even though the first one is free again, and no message.
  const e2 = createElectronStub();
  const again = launch(e2, dataDir, taken);
  await again.lifecycle.started;
  assert.equal(again.server()!.port, movedTo);
  assert.deepEqual(again.server()!.moves, []);
  assert.equal(e2.notifications.length, 0);
  assert.deepEqual(e2.windows[0]!.loaded, [`http://127.0.0.1:${movedTo}/`], 'the window keeps its origin and so its stored preferences');
  e2.app.quit();
  await again.lifecycle.stopped;
});

test('a broken desktop.json is reported in plain words and the app starts with the defaults', async () => {
  const dataDir = tempDir();
  fs.writeFileSync(path.join(dataDir, DESKTOP_SETTINGS_FILE), '{"ports": {"port": "eighty"}, "updates": {"feed": "http://updates.example.com/"}}');
  const e = createElectronStub({ notificationsSupported: false });
  const desktop = launch(e, dataDir, 0);
  await desktop.lifecycle.started;
  assert.equal(desktop.lifecycle.state, 'running');
  assert.equal(e.messageBoxes.length, 1);
  assert.equal(e.messageBoxes[0]!.title, 'FleetDesk settings ignored');
  assert.match(e.messageBoxes[0]!.detail!, /ports must look like \{"port": 8765, .*; the usual ports are used/);
  assert.match(e.messageBoxes[0]!.detail!, /updates\.feed must start with https:\/\/ .*not "http:\/\/"; automatic updates stay off/);
  e.app.quit();
  await desktop.lifecycle.stopped;

  fs.writeFileSync(path.join(dataDir, DESKTOP_SETTINGS_FILE), '{ not json');
  assert.match(loadDesktopSettings(dataDir).problems[0]!, /desktop\.json is not valid JSON \(.*\); its settings are ignored/);
});

test('beside a server of another FleetDesk version the app explains instead of migrating the database under it', async () => {
  const dataDir = tempDir();
  // Stands in for an older FleetDesk release serving the folder: its health answer, its server.json.
  const older = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', version: '0.0.9', uptime_s: 5, schema_version: 2 })));
  await new Promise<void>((resolve) => older.listen(0, '127.0.0.1', resolve));
  const port = (older.address() as net.AddressInfo).port;
  writeServerFile(dataDir, serverFileInfo('127.0.0.1', port, Date.now()));
  try {
    const e = createElectronStub();
    const desktop = launch(e, dataDir, await freePort());
    await desktop.lifecycle.started;
    assert.equal(desktop.lifecycle.state, 'failed');
    assert.match(
      e.errorBoxes[0]!.content,
      new RegExp(`^Another FleetDesk \\(version 0\\.0\\.9, process ${process.pid}\\) is serving the data folder .* with database version 2, and this FleetDesk \\(version [\\d.]+\\) uses database version ${SCHEMA_VERSION}\\. Two versions cannot share one data folder: stop that server and open FleetDesk again, or run the same version for both\\.$`),
    );
    assert.equal(fs.existsSync(path.join(dataDir, 'fleetdesk.sqlite')), false, 'the database was neither opened nor migrated');
  } finally {
    older.close();
  }
});
