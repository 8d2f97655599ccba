/**
 * Logging off or shutting down loses nothing. Electron emits no before-quit then on Windows:
 * the system asks every top-level window (WM_QUERYENDSESSION, `query-session-end`), then ends
 * the session (`session-end`) and the process is killed soon after the handlers return. So a
 * hidden window without web contents (a BaseWindow; the console window may be closed while the
 * app runs in the tray) listens, and the pending positions are committed synchronously. On
 * Linux and macOS, powerMonitor's `shutdown` asks for a delay (a logind inhibitor lock on
 * Linux) and the app quits the normal way, stopping the server gracefully.
 */
import type { Logger } from '../server/logger';
import type { BaseWindowConstructor, PowerMonitorLike, SessionEndEvent } from './electron-api';

export interface SessionEndOptions {
  platform: NodeJS.Platform;
  BaseWindow: BaseWindowConstructor;
  powerMonitor: PowerMonitorLike;
  /** Commits every pending position now, synchronously. */
  commit(): void;
  /** Starts the normal, graceful quit. */
  quit(): void;
  logger: Logger;
}

export interface SessionEndWatch {
  dispose(): void;
}

export function watchSessionEnd(o: SessionEndOptions): SessionEndWatch {
  const commit = (why: string, reasons: readonly string[]) => {
    try {
      o.commit();
      o.logger.info({ reasons }, `${why}: pending positions committed`);
    } catch (err) {
      o.logger.error({ err, reasons }, `${why}: committing pending positions failed`);
    }
  };
  if (o.platform === 'win32') {
    const watcher = new o.BaseWindow({ show: false, width: 1, height: 1, skipTaskbar: true, focusable: false, title: 'FleetDesk session watcher' });
    // Not prevented: delaying the user's logoff would only show "FleetDesk is preventing…".
    watcher.on('query-session-end', (e: SessionEndEvent) => commit('the Windows session is ending', e.reasons));
    // The last word before the process is killed: whatever arrived since is committed too.
    watcher.on('session-end', (e: SessionEndEvent) => commit('the Windows session ended', e.reasons));
    return { dispose: () => (watcher.isDestroyed() ? undefined : watcher.destroy()) };
  }
  const onShutdown = (e?: { preventDefault(): void }) => {
    commit('the system is shutting down', ['shutdown']);
    e?.preventDefault(); // hold the shutdown while the server stops (bounded by the lifecycle's timeout)
    o.quit();
  };
  o.powerMonitor.on('shutdown', onShutdown);
  return { dispose: () => o.powerMonitor.removeListener('shutdown', onShutdown) };
}
