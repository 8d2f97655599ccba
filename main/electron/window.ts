import type { BrowserWindowConstructorOptions } from 'electron';
import type { BrowserWindowConstructor, BrowserWindowLike, ShellLike } from './electron-api';
import { guardNavigation, hardenSession, originOf } from './security';

export interface MainWindowOptions {
  /** The embedded server as the window reaches it, e.g. http://127.0.0.1:8765 */
  serverUrl: string;
  /** out/preload.cjs */
  preloadPath: string;
  iconPath?: string;
  onError(err: unknown): void;
}

/**
 * The checklist's webPreferences: the page gets no Node.js, runs sandboxed in its own JS
 * world (the preload talks to it only through contextBridge) with web security on. There is
 * no `remote` module in Electron any more, and nothing here brings it back.
 */
export function mainWindowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'FleetDesk',
    show: false,
    backgroundColor: '#f4f6f8',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/**
 * Creates the console window on the embedded server's URL with every security handler in
 * place before the first load. A crashed page is reloaded rather than left blank.
 */
export function createMainWindow(BrowserWindow: BrowserWindowConstructor, shell: ShellLike, opts: MainWindowOptions): BrowserWindowLike {
  const serverOrigin = originOf(opts.serverUrl);
  if (!serverOrigin) throw new Error(`the server URL "${opts.serverUrl}" is not a valid URL`);
  // Electronegativity reads the options only when written inline here; mainWindowOptions sets
  // contextIsolation: true and sandbox: true (tested in electron-window.test.ts), and
  // setWindowOpenHandler below denies every new window, so a middle click (auxclick) opens none.
  const win = new BrowserWindow(mainWindowOptions(opts.preloadPath, opts.iconPath)); /* eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK */
  const { webContents } = win;
  hardenSession(webContents.session, serverOrigin);
  guardNavigation(webContents, serverOrigin, shell, opts.onError);
  webContents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit' || win.isDestroyed()) return;
    opts.onError(new Error(`the console page stopped (${details.reason}); reloading it`));
    webContents.reload();
  });
  win.once('ready-to-show', () => win.show());
  win.loadURL(`${serverOrigin}/`).catch((err: unknown) => {
    opts.onError(err);
    // Chromium's error page beats an invisible window.
    if (!win.isDestroyed()) win.show();
  });
  return win;
}

/** Brings a window to the front, un-minimising it (second launch, tray "Open FleetDesk"). */
export function focusWindow(win: BrowserWindowLike): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
