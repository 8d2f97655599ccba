/**
 * The whole desktop app (startDesktopApp) on a stand-in Electron with a real tracking server:
 * single instance, start, the window on the server, graceful quit, port fallback, failures.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { desktopDataDir, startDesktopApp } from '../../main/electron/desktop-app';
import { createTrackingServer } from '../../main/server/index';
import { createElectronStub, ipcEventFrom, type ElectronStub } from '../support/electron-stub';
import { tempDir } from '../support/server';
import { TestSocket } from '../support/ws-client';

const logger = pino({ level: 'silent' });

function launch(e: ElectronStub, overrides: { dataDir?: string; port?: number } = {}) {
  return startDesktopApp({
    electron: e.api,
    createServer: createTrackingServer,
    logger,
    dataDir: overrides.dataDir ?? tempDir(),
    host: '127.0.0.1',
    port: overrides.port ?? 0,
    httpsPort: null,
    osmandPort: null,
    preloadPath: '/app/out/preload.cjs',
    trayIconPath: '/app/out/tray.png',
    lanAddresses: () => ['192.168.1.23'],
  });
}

const reachable = (url: string) =>
  fetch(`${url}/api/v1/health`).then(
    (r) => r.status === 200,
    () => false,
  );

test('start: server on the data folder, window on its URL, tray, IPC; quit waits for the server to stop', async () => {
  const e = createElectronStub();
  const dataDir = tempDir();
  const desktop = launch(e, { dataDir });
  await desktop.lifecycle.started;
  assert.equal(desktop.lifecycle.state, 'running');
  const { localUrl, port } = desktop.server()!;
  assert.equal(localUrl, `http://127.0.0.1:${port}`);
  assert.ok(fs.existsSync(path.join(dataDir, 'fleetdesk.sqlite')), 'the database is in the data folder');
  assert.equal(await reachable(localUrl), true);

  const win = e.windows[0]!;
  assert.deepEqual(win.loaded, [`${localUrl}/`]);
  assert.equal(desktop.window(), win);
  assert.equal(e.trays[0]!.item(`Server running on :${port}`).enabled, false);

  const session = (await e.ipcMain.invoke('session:get', ipcEventFrom(win))) as any;
  assert.equal(session.serverUrl, localUrl);
  const office = await TestSocket.open(localUrl.replace('http', 'ws') + '/v1/track');
  assert.equal((await office.authenticate('desktop-admin', 'office', session.token)).type, 'authenticated');

  e.app.quit();
  assert.equal(e.app.quitted, false, 'the first quit is held until the server stopped');
  assert.equal(desktop.lifecycle.state, 'stopping');
  await desktop.lifecycle.stopped;
  assert.equal((await office.closed).code, 1001, 'live sockets are closed as "going away"');
  assert.equal(await reachable(localUrl), false, 'the server no longer listens');
  assert.equal(e.app.quitted, true, 'then the app quits');
  assert.equal(desktop.lifecycle.state, 'stopped');
  assert.equal(e.trays[0]!.destroyed, true);
  assert.equal(e.ipcMain.handlers.size, 0);
});

test('a second launch quits at once and leaves the first one alone', async () => {
  const e = createElectronStub({ lock: false });
  const desktop = launch(e);
  await desktop.lifecycle.started;
  assert.equal(desktop.lifecycle.state, 'second-instance');
  assert.equal(e.app.quitted, true);
  assert.equal(desktop.server(), null, 'no server started');
  assert.equal(e.windows.length, 0);
});

test('the first instance shows its window when launched again, reopening it if it was closed', async () => {
  const e = createElectronStub();
  const desktop = launch(e);
  await desktop.lifecycle.started;
  const win = e.windows[0]!;
  win.minimized = true;
  e.app.secondInstance();
  assert.equal(win.minimized, false);
  assert.equal(win.focused, 1);

  win.close();
  e.app.emit('window-all-closed');
  assert.equal(e.app.quitCalls, 0, 'with a tray icon FleetDesk keeps running without a window');
  assert.equal(desktop.window(), null);
  e.app.secondInstance();
  assert.equal(e.windows.length, 2);
  assert.deepEqual(e.windows[1]!.loaded, [`${desktop.server()!.localUrl}/`]);

  e.trays[0]!.item('Open FleetDesk').click!(null as never, null as never, null as never);
  assert.equal(e.windows.length, 2, 'an open window is brought forward, not duplicated');
  e.trays[0]!.item('Quit FleetDesk').click!(null as never, null as never, null as never);
  await desktop.lifecycle.stopped;
  assert.equal(await reachable(desktop.server()!.localUrl), false);
});

test('when the port is taken the server starts on a free one, and the window and tray follow', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  const e = createElectronStub();
  try {
    const desktop = launch(e, { port: taken });
    await desktop.lifecycle.started;
    const { port, moves, localUrl } = desktop.server()!;
    assert.deepEqual(moves, [{ name: 'port', wanted: taken, got: port }]);
    assert.notEqual(port, taken);
    assert.equal(await reachable(localUrl), true);
    assert.deepEqual(e.windows[0]!.loaded, [`http://127.0.0.1:${port}/`]);
    e.trays[0]!.item(`Server running on :${port} (${taken} was taken)`);
    e.app.quit();
    await desktop.lifecycle.stopped;
  } finally {
    blocker.close();
  }
});

test('a server that cannot start is reported in an error box and the app exits with 1', async () => {
  const e = createElectronStub();
  const notAFolder = path.join(tempDir(), 'file');
  fs.writeFileSync(notAFolder, 'not a folder');
  const desktop = launch(e, { dataDir: notAFolder });
  await desktop.lifecycle.started;
  assert.equal(desktop.lifecycle.state, 'failed');
  assert.equal(e.errorBoxes.length, 1);
  assert.equal(e.errorBoxes[0]!.title, 'FleetDesk could not start');
  assert.ok(e.errorBoxes[0]!.content.length > 0, 'e.errorBoxes[0]!.content.length > 0');
  assert.equal(e.app.exitCode, 1);
  assert.equal(e.windows.length, 0);
});

test('without a tray icon, closing the window quits', async () => {
  const e = createElectronStub();
  e.api.Tray = class {
    constructor() {
      throw new Error('no status notifier on this desktop');
    }
  } as never;
  const desktop = launch(e);
  await desktop.lifecycle.started;
  assert.equal(e.trays.length, 0);
  e.windows[0]!.close();
  e.app.emit('window-all-closed');
  await desktop.lifecycle.stopped;
  assert.equal(e.app.quitted, true);
});

test('a quit before Electron is ready starts nothing', async () => {
  const e = createElectronStub({ readyNow: false });
  const desktop = launch(e);
  e.app.quit();
  await desktop.lifecycle.stopped;
  e.app.ready();
  await desktop.lifecycle.started;
  assert.equal(desktop.server(), null);
  assert.equal(e.windows.length, 0);
  assert.equal(e.app.quitted, true);
});

test('the data folder is the per-user FleetDesk folder, or FLEETDESK_DATA', () => {
  const e = createElectronStub();
  e.app.setPath('appData', '/home/ana/.config');
  e.app.setPath('userData', '/home/ana/.config/fleetdesk');
  assert.equal(desktopDataDir(e.app, {}), path.join('/home/ana/.config', 'FleetDesk'));
  assert.equal(e.app.getPath('userData'), path.join('/home/ana/.config', 'FleetDesk'));
  assert.equal(desktopDataDir(e.app, { FLEETDESK_DATA: '/srv/fleet' }), '/srv/fleet');
});
