/**
 * The desktop app put together: lifecycle → embedded server → desktop owner → IPC → window
 * and tray. Every Electron API comes in through `electron`, so the whole composition runs in
 * tests against a stand-in and a real server.
 */
import path from 'node:path';
import { APP_NAME } from '../server/data-dir';
import type { Accounts } from '../server/accounts';
import { lanAddresses as systemLanAddresses } from '../server/lan-addresses';
import type { Logger } from '../server/logger';
import { ensureDesktopOwner } from './desktop-session';
import type { AppLike, BrowserWindowLike, ElectronApi } from './electron-api';
import { startEmbeddedServer, type EmbeddedServer, type ServerFactory } from './embedded-server';
import { registerIpc, senderCheck } from './ipc';
import { ipcHandlers } from './ipc-handlers';
import { runLifecycle, type Lifecycle } from './lifecycle';
import { createTray, type FleetTray } from './tray';
import { createMainWindow, focusWindow } from './window';

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
}

export interface DesktopApp {
  readonly lifecycle: Lifecycle;
  /** The console window, while open. */
  window(): BrowserWindowLike | null;
  /** The embedded server, once started. */
  server(): EmbeddedServer | null;
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
  let embedded: EmbeddedServer | null = null;
  let win: BrowserWindowLike | null = null;
  let tray: FleetTray | null = null;
  let openWindow: () => void = () => {};

  const start = async () => {
    embedded = await startEmbeddedServer(o.createServer, {
      dataDir: o.dataDir,
      host: o.host,
      port: o.port,
      httpsPort: o.httpsPort,
      osmandPort: o.osmandPort,
      logger,
      rendererDir: o.rendererDir,
    });
    const { server, localUrl, port } = embedded;
    try {
      const ctx = server.context;
      const accounts = (): Accounts => ({ companies: ctx.companies, users: ctx.users, tokens: ctx.tokens });
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
      try {
        tray = createTray({ Tray: e.Tray, Menu: e.Menu, clipboard: e.clipboard, iconPath: o.trayIconPath }, { port, lanAddresses: addresses }, { open: () => openWindow(), quit: () => e.app.quit() });
      } catch (err) {
        // Some Linux desktops have no tray: closing the window then quits the app.
        logger.warn({ err }, 'no tray icon on this desktop');
      }
      const lanTimer = setInterval(() => {
        const now = lan();
        if (now.join() === addresses.join()) return;
        addresses = now;
        tray?.update({ port, lanAddresses: now });
      }, LAN_REFRESH_MS);
      lanTimer.unref();

      openWindow();
      logger.info({ url: localUrl, lan: addresses, dataDir: o.dataDir }, 'FleetDesk desktop started');
      return {
        stop: async () => {
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

  return { lifecycle, window: () => (win && !win.isDestroyed() ? win : null), server: () => embedded };
}
