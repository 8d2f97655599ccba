/**
 * The slices of Electron's API the shell uses, as plain interfaces. main.ts passes the real
 * `electron` module (which satisfies them, checked by the compiler); tests pass the stand-in
 * from test/support/electron-stub.ts. No module but main.ts imports 'electron' as a value.
 */
import type {
  BaseWindowConstructorOptions,
  BrowserWindowConstructorOptions,
  HandlerDetails,
  HeadersReceivedResponse,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  MessageBoxReturnValue,
  NotificationConstructorOptions,
  OnHeadersReceivedListenerDetails,
  SaveDialogOptions,
  SaveDialogReturnValue,
  Session,
  WindowOpenHandlerResponse,
} from 'electron';

export interface PreventableEvent {
  preventDefault(): void;
}

export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
  readonly frameTreeNodeId: number;
}

export interface RenderProcessGoneDetails {
  reason: string;
}

export interface WebContentsLike {
  readonly mainFrame: FrameLike;
  readonly session: SessionLike;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): this;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): this;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): this;
  on(event: 'render-process-gone', listener: (event: unknown, details: RenderProcessGoneDetails) => void): this;
  reload(): void;
}

export interface SessionLike {
  setPermissionRequestHandler: Session['setPermissionRequestHandler'];
  setPermissionCheckHandler: Session['setPermissionCheckHandler'];
  readonly webRequest: {
    onHeadersReceived(listener: ((details: OnHeadersReceivedListenerDetails, callback: (response: HeadersReceivedResponse) => void) => void) | null): void;
  };
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  once(event: 'ready-to-show', listener: () => void): this;
  on(event: 'closed', listener: () => void): this;
}

export type BrowserWindowConstructor = new (options: BrowserWindowConstructorOptions) => BrowserWindowLike;

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

export interface IpcMainInvokeEventLike {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface NotificationLike {
  show(): void;
}

export interface NotificationConstructor {
  new (options: NotificationConstructorOptions): NotificationLike;
  isSupported(): boolean;
}

/** Any window handle: the real dialog takes Electron's BaseWindow, every window here is one. */
export interface WindowHandle {
  isDestroyed(): boolean;
}

export interface DialogLike {
  showSaveDialog(window: WindowHandle, options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showErrorBox(title: string, content: string): void;
  /** Without a window: not modal, the app goes on. */
  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
}

export interface MenuLike {
  readonly items: readonly unknown[];
}

export interface MenuStatic {
  buildFromTemplate(template: MenuItemConstructorOptions[]): MenuLike;
}

export interface TrayLike {
  setToolTip(text: string): void;
  setContextMenu(menu: MenuLike | null): void;
  on(event: 'click', listener: () => void): this;
  destroy(): void;
}

export type TrayConstructor = new (image: string) => TrayLike;

export interface ClipboardLike {
  writeText(text: string): void;
}

/** Windows' word that the user session is ending (logoff, shutdown, restart). */
export interface SessionEndEvent extends PreventableEvent {
  reasons: readonly string[];
}

/** A native window without web contents: the session watcher. */
export interface BaseWindowLike {
  on(event: 'query-session-end', listener: (event: SessionEndEvent) => void): this;
  on(event: 'session-end', listener: (event: SessionEndEvent) => void): this;
  isDestroyed(): boolean;
  destroy(): void;
}

export type BaseWindowConstructor = new (options: BaseWindowConstructorOptions) => BaseWindowLike;

/**
 * Linux and macOS: `shutdown` says the system is about to shut down. Electron passes an event
 * whose preventDefault() asks the system to wait (its documentation); its type declarations
 * omit that argument, so listeners take it as optional.
 */
export interface PowerMonitorLike {
  on(event: 'shutdown', listener: () => void): this;
  removeListener(event: 'shutdown', listener: () => void): this;
}

/** Electron's safeStorage (usable after `ready`): the system keychain, DPAPI or libsecret. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring, a hard-coded password (not a secret store) */
  getSelectedStorageBackend?(): string;
}

type PathName = 'appData' | 'userData' | 'downloads';

export interface AppLike {
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  quit(): void;
  exit(code?: number): void;
  getPath(name: PathName): string;
  setPath(name: PathName, path: string): void;
  on(event: 'second-instance', listener: () => void): this;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): this;
  on(event: 'window-all-closed', listener: () => void): this;
  on(event: 'activate', listener: () => void): this;
}

/** Everything the desktop app takes from Electron, in one object. */
export interface ElectronApi {
  app: AppLike;
  BrowserWindow: BrowserWindowConstructor;
  shell: ShellLike;
  ipcMain: IpcMainLike;
  Notification: NotificationConstructor;
  dialog: DialogLike;
  Tray: TrayConstructor;
  Menu: MenuStatic;
  clipboard: ClipboardLike;
  BaseWindow: BaseWindowConstructor;
  powerMonitor: PowerMonitorLike;
  safeStorage: SafeStorageLike;
}
