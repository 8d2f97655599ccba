/**
 * The desktop app's life: one instance per user (a second launch brings the first window
 * forward), start once Electron is ready, and quit only after the embedded server has
 * committed every pending position and closed its sockets.
 */
import type { Logger } from '../server/logger';
import type { AppLike, PreventableEvent } from './electron-api';

/** Bounded: a quit never hangs on a server that does not stop. */
export const STOP_TIMEOUT_MS = 10_000;

export interface Running {
  /** Stops the embedded server (and anything else that must end before exit). */
  stop(): Promise<void>;
}

export interface LifecycleOptions {
  app: AppLike;
  logger: Logger;
  /** Starts the server and opens the window; what it returns is stopped at quit. */
  start(): Promise<Running>;
  /** Bring the window forward (a second launch, the macOS dock icon). */
  show(): void;
  /** Whether the app keeps running with no window (it does with a tray icon). */
  keepRunningWithoutWindows(): boolean;
  /** Tells the user the app cannot start, before it exits. */
  fatal(title: string, message: string): void;
  /** Where SIGINT/SIGTERM come from (process); absent in tests. */
  signals?: Pick<NodeJS.Process, 'on'>;
  stopTimeoutMs?: number;
}

export type LifecycleState = 'waiting' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' | 'second-instance';

export interface Lifecycle {
  readonly state: LifecycleState;
  /** Resolves once startup finished (or failed). */
  readonly started: Promise<void>;
  /** Resolves once the server is stopped and the app told to quit. */
  readonly stopped: Promise<void>;
}

function withTimeout(p: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function runLifecycle(opts: LifecycleOptions): Lifecycle {
  const { app, logger } = opts;
  let state: LifecycleState = 'waiting';
  let running: Running | null = null;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  if (!app.requestSingleInstanceLock()) {
    // Another FleetDesk owns the data folder and the port; it has been asked to show itself.
    logger.info('FleetDesk is already running; bringing its window forward');
    state = 'second-instance';
    app.quit();
    return { state, started: Promise.resolve(), stopped: Promise.resolve() };
  }

  app.on('second-instance', () => {
    if (state === 'running') opts.show();
  });
  app.on('activate', () => {
    if (state === 'running') opts.show();
  });
  app.on('window-all-closed', () => {
    if (!opts.keepRunningWithoutWindows()) app.quit();
  });

  const stopThenQuit = async () => {
    try {
      if (running) await withTimeout(running.stop(), opts.stopTimeoutMs ?? STOP_TIMEOUT_MS, 'stopping the server');
    } catch (err) {
      logger.error({ err }, 'the server did not stop cleanly');
    }
    state = 'stopped';
    resolveStopped();
    app.quit();
  };

  app.on('before-quit', (event: PreventableEvent) => {
    if (state === 'stopped' || state === 'failed') return;
    // Hold the quit until the server has committed what it received and closed its sockets.
    event.preventDefault();
    if (state === 'stopping') return;
    const wasStarting = state === 'starting';
    state = 'stopping';
    if (wasStarting) {
      // Stop what the startup brings up once it is up, then quit.
      void startedPromise.then(stopThenQuit);
    } else {
      void stopThenQuit();
    }
  });

  const onSignal = () => app.quit();
  opts.signals?.on('SIGINT', onSignal);
  opts.signals?.on('SIGTERM', onSignal);

  const startedPromise: Promise<void> = app.whenReady().then(async () => {
    if (state !== 'waiting') return; // quit before Electron was ready
    state = 'starting';
    try {
      running = await opts.start();
      if (state === 'starting') state = 'running';
    } catch (err) {
      state = 'failed';
      logger.fatal({ err }, 'FleetDesk could not start');
      opts.fatal('FleetDesk could not start', err instanceof Error ? err.message : String(err));
      resolveStopped();
      app.exit(1);
    }
  });

  return {
    get state() {
      return state;
    },
    started: startedPromise,
    stopped,
  };
}
