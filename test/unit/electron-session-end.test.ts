/**
 * Logoff and shutdown: positions a driver sent are on disk before the session ends, although
 * Windows emits no before-quit then; on Linux and macOS the shutdown is held while the app
 * quits the normal way. A real server, a real driver socket, and the position writer set to
 * hold its batch for a minute, so that positions are pending when the session ends.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import pino from 'pino';
import { startDesktopApp } from '../../main/electron/desktop-app';
import { addCompany, addUser, issueToken } from '../../main/server/accounts';
import { createTrackingServer } from '../../main/server/index';
import { createElectronStub, type ElectronStub } from '../support/electron-stub';
import { tempDir } from '../support/server';
import { TestSocket } from '../support/ws-client';

const logger = pino({ level: 'silent' });

function launch(e: ElectronStub, dataDir: string, platform: NodeJS.Platform) {
  return startDesktopApp({
    electron: e.api,
    createServer: createTrackingServer,
    logger,
    dataDir,
    host: '127.0.0.1',
    port: 0,
    httpsPort: null,
    osmandPort: null,
    preloadPath: '/app/out/preload.cjs',
    trayIconPath: '/app/out/tray.png',
    lanAddresses: () => [],
    platform,
    tuning: { writer: { windowMs: 60_000, maxBatch: 2_000 } },
  });
}

/** A driver on the desktop's server with one position sent and not yet committed. */
async function pendingPosition(desktop: ReturnType<typeof launch>) {
  const server = desktop.server()!;
  const accounts = server.accounts();
  addCompany(accounts, 'Acme', 'acme');
  await addUser(accounts, { companyId: 'acme', userId: 'van-1', role: 'driver' });
  const { token } = issueToken(accounts, 'acme', 'van-1', 3600);
  const driver = await TestSocket.open(`${server.localUrl.replace('http', 'ws')}/v1/track`);
  assert.equal((await driver.authenticate('van-1', 'driver', token)).type, 'authenticated');
  driver.send({ action: 'driver_location', id: 'van-1', seq: 1, payload: { lat: 48.137, lng: 11.575, speed: 10, bearing: 90 } });
  return driver;
}

const storedPositions = (dataDir: string) => {
  const db = new Database(path.join(dataDir, 'fleetdesk.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM positions').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

test('Windows logoff: the pending positions are committed when the session ends, with the window closed', async () => {
  const e = createElectronStub();
  const dataDir = tempDir();
  const desktop = launch(e, dataDir, 'win32');
  await desktop.lifecycle.started;
  const watcher = e.baseWindows[0]!;
  assert.equal(watcher.options.show, false, 'a hidden window without web contents receives the session messages');
  e.windows[0]!.close(); // running in the tray
  const driver = await pendingPosition(desktop);
  assert.equal(await driver.silentFor(300, (m) => m.type === 'ack'), true, 'held in the writer’s batch');
  assert.equal(storedPositions(dataDir), 0);

  watcher.endSession(['logoff']);
  // No before-quit, no quit: Windows kills the process after session-end returns.
  assert.equal(e.app.quitCalls, 0);
  assert.equal(storedPositions(dataDir), 1, 'on disk before the process can be killed');
  assert.equal((await driver.nextOfType('ack')).seq, 1, 'and acknowledged');

  e.app.quit();
  await desktop.lifecycle.stopped;
  assert.equal(watcher.destroyed, true);
});

test('Linux/macOS shutdown: the shutdown is held, positions committed, and the app quits gracefully', async () => {
  const e = createElectronStub();
  const dataDir = tempDir();
  const desktop = launch(e, dataDir, 'linux');
  await desktop.lifecycle.started;
  assert.equal(e.baseWindows.length, 0);
  const driver = await pendingPosition(desktop);
  assert.equal(await driver.silentFor(300, (m) => m.type === 'ack'), true);

  const shutdown = e.powerMonitor.shutdown();
  assert.equal(shutdown.defaultPrevented, true, 'the system is asked to wait');
  assert.equal(storedPositions(dataDir), 1);
  assert.equal((await driver.nextOfType('ack')).seq, 1);
  await desktop.lifecycle.stopped;
  assert.equal(e.app.quitted, true);
  assert.equal((await driver.closed).code, 1001, 'then the server stopped the usual way');
  assert.equal(e.powerMonitor.listenerCount('shutdown'), 0);
});
