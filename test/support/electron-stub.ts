/**
 * A small stand-in for the parts of Electron the desktop shell uses, for unit tests in plain
 * Node (the Electron binary cannot be downloaded here). It records what the shell asks of
 * Electron and lets a test play Electron's side: launch a second instance, navigate, open a
 * window, request a permission, send IPC from a frame, quit. Behaviour follows Electron's
 * documentation where the shell depends on it (quit runs before-quit and honours
 * preventDefault; a thrown IPC handler rejects the renderer's invoke; arguments are cloned).
 */
import { EventEmitter } from 'node:events';
import type {
  BaseWindowConstructorOptions,
  BrowserWindowConstructorOptions,
  HandlerDetails,
  HeadersReceivedResponse,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  NotificationConstructorOptions,
  OnHeadersReceivedListenerDetails,
  SaveDialogOptions,
  SaveDialogReturnValue,
  Session,
  WindowOpenHandlerResponse,
} from 'electron';
import type { ElectronApi, FrameLike, IpcMainInvokeEventLike, SessionLike, WindowHandle } from '../../main/electron/electron-api';

export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

let frameIds = 0;

export class FakeFrame implements FrameLike {
  readonly frameTreeNodeId = ++frameIds;
  constructor(
    public url = '',
    readonly parent: FakeFrame | null = null,
  ) {}
}

type RequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
type CheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];
type Permission = Parameters<NonNullable<CheckHandler>>[1];
type HeadersListener = (details: OnHeadersReceivedListenerDetails, callback: (response: HeadersReceivedResponse) => void) => void;

export class FakeSession implements SessionLike {
  requestHandler: RequestHandler = null;
  checkHandler: CheckHandler = null;
  headersListener: HeadersListener | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener | null) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: RequestHandler): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: CheckHandler): void {
    this.checkHandler = handler;
  }
  /** Chromium asking for a permission on behalf of a page; Electron grants it when no handler is set. */
  requestPermission(permission: Permission, requestingUrl: string): Promise<boolean> {
    const handler = this.requestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) => handler(null as never, permission, resolve, { requestingUrl, isMainFrame: true }));
  }
  checkPermission(permission: Permission, requestingOrigin: string): boolean {
    const handler = this.checkHandler;
    return handler ? handler(null, permission, requestingOrigin, { requestingUrl: requestingOrigin, isMainFrame: true } as never) : true;
  }
  /** A response arriving: the headers the page then sees (`{}` from the listener means unchanged). */
  receive(url: string, responseHeaders: Record<string, string[]>): Promise<Record<string, string | string[]>> {
    const listener = this.headersListener;
    if (!listener) return Promise.resolve(responseHeaders);
    const details = { id: 1, url, method: 'GET', resourceType: 'mainFrame', referrer: '', timestamp: Date.now(), statusLine: 'HTTP/1.1 200 OK', statusCode: 200, responseHeaders } as OnHeadersReceivedListenerDetails;
    return new Promise((resolve) => listener(details, (r) => resolve(r.responseHeaders ?? responseHeaders)));
  }
}

export class FakeWebContents extends EventEmitter {
  readonly mainFrame = new FakeFrame();
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null;
  reloads = 0;
  constructor(readonly session: FakeSession) {
    super();
  }
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
  reload(): void {
    this.reloads++;
  }
  /** The page calling window.open(url); Electron allows it when no handler is set. */
  windowOpen(url: string): WindowOpenHandlerResponse {
    const details: HandlerDetails = { url, frameName: '', features: '', disposition: 'new-window', referrer: { url: this.mainFrame.url, policy: 'strict-origin-when-cross-origin' } };
    return this.windowOpenHandler ? this.windowOpenHandler(details) : { action: 'allow' };
  }
  /** The page navigating (link, location.href, form); returns whether it was allowed. */
  navigate(url: string, event: 'will-navigate' | 'will-redirect' = 'will-navigate'): boolean {
    const e = new FakeEvent();
    this.emit(event, e, url);
    if (!e.defaultPrevented) this.mainFrame.url = url;
    return !e.defaultPrevented;
  }
  attachWebview(): boolean {
    const e = new FakeEvent();
    this.emit('will-attach-webview', e);
    return !e.defaultPrevented;
  }
  crash(reason: string): void {
    this.emit('render-process-gone', new FakeEvent(), { reason });
  }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** ipcRenderer.invoke from a frame: arguments are structured-cloned; a throw becomes a rejection. */
  async invoke(channel: string, event: IpcMainInvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    try {
      return structuredClone(await handler(event, ...structuredClone(args)));
    } catch (err) {
      throw new Error(`Error invoking remote method '${channel}': ${String(err)}`, { cause: err });
    }
  }
}

export class FakeApp extends EventEmitter {
  readonly paths = new Map<string, string>();
  quitCalls = 0;
  quitted = false;
  exitCode: number | null = null;
  private readonly readyPromise: Promise<void>;
  private resolveReady!: () => void;
  constructor(
    private readonly hasLock = true,
    readyNow = true,
  ) {
    super();
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
    if (readyNow) this.resolveReady();
  }
  requestSingleInstanceLock(): boolean {
    return this.hasLock;
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  ready(): void {
    this.resolveReady();
  }
  /** Like Electron: before-quit first; a listener's preventDefault cancels the quit. */
  quit(): void {
    this.quitCalls++;
    if (this.quitted) return;
    const e = new FakeEvent();
    this.emit('before-quit', e);
    if (e.defaultPrevented) return;
    this.quitted = true;
    this.emit('will-quit', new FakeEvent());
  }
  exit(code = 0): void {
    this.exitCode = code;
    this.quitted = true;
  }
  getPath(name: string): string {
    const p = this.paths.get(name);
    if (p === undefined) throw new Error(`Failed to get '${name}' path`);
    return p;
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value);
  }
  /** Another launch of the app while this one holds the lock. */
  secondInstance(): void {
    this.emit('second-instance', new FakeEvent(), [], '/');
  }
}

export interface FakeWindow {
  readonly options: BrowserWindowConstructorOptions;
  readonly webContents: FakeWebContents;
  readonly loaded: string[];
  visible: boolean;
  minimized: boolean;
  focused: number;
  close(): void;
}

export function createElectronStub(opts: { lock?: boolean; readyNow?: boolean; notificationsSupported?: boolean } = {}) {
  const defaultSession = new FakeSession();
  const windows: FakeBrowserWindow[] = [];
  const opened: string[] = [];
  const notifications: NotificationConstructorOptions[] = [];
  const saveDialogs: { window: WindowHandle; options: SaveDialogOptions }[] = [];
  const errorBoxes: { title: string; content: string }[] = [];
  const messageBoxes: MessageBoxOptions[] = [];
  const trays: FakeTray[] = [];
  const clipboard = { text: '', writeText: (t: string) => void (clipboard.text = t) };
  const saveDialog: { next: SaveDialogReturnValue } = { next: { canceled: true, filePath: '' } };

  class FakeBrowserWindow extends EventEmitter implements FakeWindow {
    readonly webContents = new FakeWebContents(defaultSession);
    readonly loaded: string[] = [];
    visible = false;
    minimized = false;
    focused = 0;
    private destroyed = false;
    constructor(readonly options: BrowserWindowConstructorOptions) {
      super();
      windows.push(this);
    }
    loadURL(url: string): Promise<void> {
      this.loaded.push(url);
      this.webContents.mainFrame.url = url;
      queueMicrotask(() => this.emit('ready-to-show'));
      return Promise.resolve();
    }
    show(): void {
      this.visible = true;
    }
    focus(): void {
      this.focused++;
    }
    restore(): void {
      this.minimized = false;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    close(): void {
      this.destroyed = true;
      this.emit('closed');
    }
  }

  class FakeNotification {
    static supported = opts.notificationsSupported ?? true;
    static isSupported(): boolean {
      return FakeNotification.supported;
    }
    constructor(readonly options: NotificationConstructorOptions) {}
    show(): void {
      notifications.push(this.options);
    }
  }

  class FakeTray extends EventEmitter {
    tooltip = '';
    menu: { items: MenuItemConstructorOptions[] } | null = null;
    destroyed = false;
    constructor(readonly image: string) {
      super();
      trays.push(this);
    }
    setToolTip(text: string): void {
      this.tooltip = text;
    }
    setContextMenu(menu: { items: MenuItemConstructorOptions[] } | null): void {
      this.menu = menu;
    }
    destroy(): void {
      this.destroyed = true;
    }
    /** The menu item with this label, to click in a test. */
    item(label: string | RegExp): MenuItemConstructorOptions {
      const found = this.menu?.items.find((i) => (typeof label === 'string' ? i.label === label : label.test(i.label ?? '')));
      if (!found) throw new Error(`no tray menu item ${label}`);
      return found;
    }
  }

  const baseWindows: FakeBaseWindow[] = [];
  /** A window without web contents; Windows sends it the session-end messages like any window. */
  class FakeBaseWindow extends EventEmitter {
    destroyed = false;
    constructor(readonly options: BaseWindowConstructorOptions) {
      super();
      baseWindows.push(this);
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    destroy(): void {
      this.destroyed = true;
    }
    /** Windows ending the session: query-session-end, then session-end (which cannot be prevented). */
    endSession(reasons: string[] = ['logoff']): void {
      const query = Object.assign(new FakeEvent(), { reasons });
      this.emit('query-session-end', query);
      this.emit('session-end', Object.assign(new FakeEvent(), { reasons }));
    }
  }
  /** powerMonitor: `shutdown` (Linux, macOS) comes with an event whose preventDefault delays it. */
  const powerMonitor = Object.assign(new EventEmitter(), {
    shutdown(): FakeEvent {
      const e = new FakeEvent();
      powerMonitor.emit('shutdown', e);
      return e;
    },
  });

  /** safeStorage: a reversible stand-in (not encryption) that marks what it sealed; `available` and `backend` play the system. */
  const safeStorage = {
    available: true,
    backend: 'gnome_libsecret',
    isEncryptionAvailable: () => safeStorage.available,
    getSelectedStorageBackend: () => safeStorage.backend,
    encryptString: (plain: string) => Buffer.from(`sealed-by-keychain:${Buffer.from(plain).reverse().toString('base64')}`),
    decryptString: (b: Buffer) => {
      const text = b.toString();
      if (!text.startsWith('sealed-by-keychain:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(text.slice('sealed-by-keychain:'.length), 'base64').reverse().toString();
    },
  };

  const app = new FakeApp(opts.lock ?? true, opts.readyNow ?? true);
  const ipcMain = new FakeIpcMain();
  const api = {
    app,
    BrowserWindow: FakeBrowserWindow,
    shell: {
      openExternal: async (url: string) => {
        opened.push(url);
      },
    },
    ipcMain,
    Notification: FakeNotification,
    dialog: {
      showSaveDialog: async (window: WindowHandle, options: SaveDialogOptions) => {
        saveDialogs.push({ window, options });
        return saveDialog.next;
      },
      showErrorBox: (title: string, content: string) => void errorBoxes.push({ title, content }),
      showMessageBox: async (options: MessageBoxOptions) => {
        messageBoxes.push(options);
        return { response: 0, checkboxChecked: false };
      },
    },
    Tray: FakeTray,
    Menu: { buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ items: template }) },
    clipboard,
    BaseWindow: FakeBaseWindow,
    powerMonitor,
    safeStorage,
  } satisfies ElectronApi;

  return { api, app, ipcMain, defaultSession, windows, opened, notifications, saveDialogs, saveDialog, errorBoxes, messageBoxes, trays, clipboard, baseWindows, powerMonitor, safeStorage };
}

export type ElectronStub = ReturnType<typeof createElectronStub>;

/** The IPC event Electron hands main for a message from `frame` of `win` (its main frame by default). */
export function ipcEventFrom(win: { webContents: FakeWebContents }, frame: FrameLike | null = win.webContents.mainFrame): IpcMainInvokeEventLike {
  return { sender: win.webContents, senderFrame: frame };
}
