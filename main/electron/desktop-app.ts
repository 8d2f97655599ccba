/**
 * The desktop app put together: lifecycle → the data folder's server (its own, or the one
 * already running there) → desktop owner → IPC → window and tray. Every Electron API comes in
 * through `electron`, so the whole composition runs in tests against a stand-in and a real
 * server.
 */
import path from 'node:path';
import { APP_NAME } from '../server/data-dir';
import { lanAddresses as systemLanAddresses } from '../server/lan-addresses';
import type { TrackingServerConfig } from '../server/index';
import type { Logger } from '../server/logger';
import { ensureDesktopOwner } from './desktop-session';
import { loadDesktopSettings } from './desktop-settings';
import { movedPortsMessage, openDesktopServer, type DesktopServer } from './desktop-server';
import type { AppLike, BrowserWindowLike, ElectronApi } from './electron-api';
import type { ServerFactory } from './embedded-server';
import type { ProbeOptions } from '../server/existing-server';
import { registerIpc, senderCheck } from './ipc';
import { ipcHandlers } from './ipc-handlers';
import { runLifecycle, type Lifecycle } from './lifecycle';
import { watchSessionEnd } from './session-end';
import { createTray, type FleetTray } from './tray';
import { startAutoUpdates, type UpdaterLike } from './updates';
import { createMainWindow, focusWindow } from './window';
import { safeStorageSealer } from './secret-sealer';

/** How often the tray's LAN addresses are looked up again (Wi-Fi changes, cable plugged in). */
const LAN_REFRESH_MS = 30_000;

export interface DesktopAppOptions {
  electron: ElectronApi;
  createServer: ServerFactory;
  logger: Logger;
  dataDir: string;
  /** 0.0.0.0 so phones on the LAN reach it */
  host: string;
  /** 8765; a free port when taken */
  port: number;
  /** HTTPS for phones' browsers (8766) and the OsmAnd port (5055); default: the server's defaults */
  httpsPort?: number | null;
  osmandPort?: number | null;
  preloadPath: string;
  trayIconPath: string;
  windowIconPath?: string;
  /** The console bundle the server serves at `/`. */
  rendererDir?: string;
  lanAddresses?: () => string[];
  signals?: Pick<NodeJS.Process, 'on'>;
  /** How the server already running on the data folder is looked for (tests shorten the wait). */
  probe?: ProbeOptions;
  /** Whether this desktop shows tray icons (tray-host.ts); without one, closing the window quits. */
  trayShown?: () => Promise<boolean>;
  /** electron-updater's updater for this platform, created only when desktop.json turns updates on. */
  updater?: () => UpdaterLike;
  /** process.platform: which session-end signals to listen to. */
  platform?: NodeJS.Platform;
  /** Server settings tests tune (the position writer's batching). */
  tuning?: Pick<TrackingServerConfig, 'writer'>;
}

export interface DesktopApp {
  readonly lifecycle: Lifecycle;
  /** The console window, while open. */
  window(): BrowserWindowLike | null;
  /** The server the window shows (this app's own, or the one already running), once started. */
  server(): DesktopServer | null;
}

/**
 * Electron's per-user folder under FleetDesk's own name (the package is "fleetdesk"), so it is
 * the folder `npm run serve` uses by default; FLEETDESK_DATA overrides both. Call before ready.
 */
export function desktopDataDir(app: AppLike, env: NodeJS.ProcessEnv = process.env): string {
  app.setPath('userData', path.join(app.getPath('appData'), APP_NAME));
  return env.FLEETDESK_DATA || app.getPath('userData');
}

export function startDesktopApp(o: DesktopAppOptions): DesktopApp {
  const { electron: e, logger } = o;
  const lan = o.lanAddresses ?? systemLanAddresses;
  const onError = (err: unknown) => logger.error({ err }, 'desktop shell error');
  let backend: DesktopServer | null = null;
  let win: BrowserWindowLike | null = null;
  let tray: FleetTray | null = null;
  let openWindow: () => void = () => {};

  /** A message the user should see without it stopping anything. */
  const tell = (title: string, body: string) => {
    logger.warn({ title }, body);
    if (e.Notification.isSupported()) new e.Notification({ title, body }).show();
    else e.dialog.showMessageBox({ type: 'info', title, message: title, detail: body }).catch(onError);
  };

  const start = async () => {
    const { settings, problems } = loadDesktopSettings(o.dataDir);
    if (problems.length > 0) tell('FleetDesk settings ignored', problems.join('\n'));
    backend = await openDesktopServer({
      create: o.createServer,
      config: {
        dataDir: o.dataDir,
        host: o.host,
        port: o.port,
        httpsPort: o.httpsPort,
        osmandPort: o.osmandPort,
        logger,
        rendererDir: o.rendererDir,
        // after `ready` (start runs then): safeStorage needs it
        secretSealer: safeStorageSealer(e.safeStorage, logger) ?? undefined,
        ...o.tuning,
      },
      remembered: settings.ports,
      probe: o.probe,
    });
    const server = backend;
    const { localUrl, port } = server;
    if (server.moves.length > 0) tell(`FleetDesk is on port ${port}`, movedPortsMessage(server.moves));
    try {
      const accounts = server.accounts;
      await ensureDesktopOwner(accounts(), logger);

      const current = () => (win && !win.isDestroyed() ? win : null);
      const unregister = registerIpc(
        e.ipcMain,
        senderCheck(current, localUrl),
        ipcHandlers({ accounts, serverUrl: localUrl, logger, shell: e.shell, Notification: e.Notification, dialog: e.dialog, window: current, downloadsDir: () => e.app.getPath('downloads') }),
      );

      openWindow = () => {
        const open = current();
        if (open) return focusWindow(open);
        const created = createMainWindow(e.BrowserWindow, e.shell, { serverUrl: localUrl, preloadPath: o.preloadPath, iconPath: o.windowIconPath, onError });
        created.on('closed', () => {
          if (win === created) win = null;
        });
        win = created;
      };

      let addresses = lan();
      const status = (lanAddresses: string[]) => ({
        port,
        lanAddresses,
        owner: server.mode === 'existing' ? ('other' as const) : ('app' as const),
        movedFrom: server.moves.find((m) => m.name === 'port')?.wanted,
      });
      if (await (o.trayShown ?? (() => Promise.resolve(true)))()) {
        try {
          tray = createTray({ Tray: e.Tray, Menu: e.Menu, clipboard: e.clipboard, iconPath: o.trayIconPath }, status(addresses), { open: () => openWindow(), quit: () => e.app.quit() });
        } catch (err) {
          logger.warn({ err }, 'no tray icon on this desktop: closing the window quits FleetDesk');
        }
      } else {
        // Electron would create the icon and nothing would show it: the app would run unseen.
        logger.warn('this desktop shows no tray icons: closing the window quits FleetDesk');
      }
      const sessionEnd = watchSessionEnd({
        platform: o.platform ?? process.platform,
        BaseWindow: e.BaseWindow,
        powerMonitor: e.powerMonitor,
        commit: () => server.commitPending(),
        quit: () => e.app.quit(),
        logger,
      });
      const updates = o.updater
        ? startAutoUpdates({ feed: settings.updates?.feed, updater: o.updater, logger, configFile: path.join(o.dataDir, 'app-update.yml'), tell })
        : null;
      const lanTimer = setInterval(() => {
        const now = lan();
        if (now.join() === addresses.join()) return;
        addresses = now;
        tray?.update(status(now));
      }, LAN_REFRESH_MS);
      lanTimer.unref();

      openWindow();
      logger.info({ url: localUrl, lan: addresses, dataDir: o.dataDir, server: server.mode }, 'FleetDesk desktop started');
      return {
        stop: async () => {
          updates?.stop();
          sessionEnd.dispose();
          clearInterval(lanTimer);
          unregister();
          tray?.destroy();
          tray = null;
          await server.stop();
        },
      };
    } catch (err) {
      await server.stop();
      throw err;
    }
  };

  const lifecycle = runLifecycle({
    app: e.app,
    logger,
    start,
    show: () => openWindow(),
    keepRunningWithoutWindows: () => tray !== null,
    fatal: (title, message) => e.dialog.showErrorBox(title, message),
    signals: o.signals,
  });

  return { lifecycle, window: () => (win && !win.isDestroyed() ? win : null), server: () => backend };
}
