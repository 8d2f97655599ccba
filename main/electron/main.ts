/**
 * The Electron main process entry, bundled to out/main.cjs by build.ts (`npm start`). The one
 * module that imports 'electron' as a value; everything else takes Electron's APIs as
 * parameters (see desktop-app.ts).
 */
import path from 'node:path';
import * as electron from 'electron';
import { autoUpdater, DebUpdater } from 'electron-updater';
import { DEFAULT_HOST, DEFAULT_PORT } from '../server/config';
import { createTrackingServer } from '../server/index';
import { createLogger } from '../server/logger';
import { desktopDataDir, startDesktopApp } from './desktop-app';
import { trayIsShown } from './tray-host';
import { linuxInstall } from './updates';

// Under plain Node, 'electron' is the npm package, which only names the Electron binary.
if (typeof electron.app?.requestSingleInstanceLock !== 'function') {
  throw new Error('out/main.cjs is the FleetDesk desktop app and runs inside Electron: start it with `npm start` (the headless server is `npm run serve`)');
}

const { app } = electron;
// This file runs only as the CommonJS bundle out/main.cjs, next to preload.cjs and the icons.
const outDir = __dirname;
// Structured JSON logs on stderr; the pretty printer runs in a worker the bundle cannot load.
const logger = createLogger(process.env.FLEETDESK_LOG_LEVEL === 'debug' ? 'debug' : 'info', false);

app.setAppUserModelId('dev.fleetdesk.app'); // Windows: notifications carry the app's name
process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception in the main process'));
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection in the main process'));

startDesktopApp({
  electron,
  createServer: createTrackingServer,
  logger,
  dataDir: desktopDataDir(app),
  host: DEFAULT_HOST,
  port: DEFAULT_PORT,
  preloadPath: path.join(outDir, 'preload.cjs'),
  trayIconPath: path.join(outDir, 'tray.png'),
  windowIconPath: path.join(outDir, 'icon.png'),
  rendererDir: path.join(app.getAppPath(), 'renderer', 'dist'),
  signals: process,
  trayShown: () => trayIsShown(),
  // electron-updater's autoUpdater is created on first use, for this platform's installer kind
  // (an AppImage on Linux unless told otherwise: see linuxInstall).
  updater: () => (process.platform === 'linux' && linuxInstall() === 'deb' ? new DebUpdater() : autoUpdater),
});
