/**
 * Automatic updates from a feed the user runs: any HTTPS folder holding the installers and
 * the latest*.yml files `npm run dist` writes beside them (scripts/update-feed.ts). Off until
 * desktop.json sets `updates.feed`; nothing is ever published from a build. electron-updater
 * checks at start and every few hours, downloads a newer version in the background, verifies
 * its SHA-512 against the feed, and installs it when the user quits FleetDesk (so a quit still
 * commits every pending position first: the install runs at Electron's `quit`, after the
 * lifecycle's before-quit). Only installed apps update (electron-updater skips `npm start`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppUpdater, UpdateInfo } from 'electron-updater';
import type { Logger } from '../server/logger';

/** The part of electron-updater's AppUpdater used here (the real one, or the same class in tests). */
export type UpdaterLike = Pick<AppUpdater, 'setFeedURL' | 'checkForUpdates' | 'autoDownload' | 'autoInstallOnAppQuit' | 'allowDowngrade' | 'disableDifferentialDownload' | 'logger' | 'updateConfigPath'> & {
  on(event: 'update-downloaded', listener: (info: UpdateInfo) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
};

export type LinuxInstall = 'appimage' | 'deb' | 'other';

/** The deb's package name (package.json's name) as dpkg records it. */
export const DEB_RECORD = '/var/lib/dpkg/info/fleetdesk.list';

/**
 * How this Linux FleetDesk was installed, which decides how an update is installed.
 * electron-updater reads it from resources/package-type, a file electron-builder writes only
 * for a publish provider (there is none), so an installed deb would otherwise be taken for an
 * AppImage and never update. An AppImage says so in $APPIMAGE; dpkg keeps a record of the deb.
 */
export function linuxInstall(env: NodeJS.ProcessEnv = process.env, exists: (file: string) => boolean = fs.existsSync): LinuxInstall {
  if (env.APPIMAGE) return 'appimage';
  if (exists(DEB_RECORD)) return 'deb';
  return 'other';
}

/** The folder (in the user's cache folder) where updates are downloaded before they install. */
export const UPDATER_CACHE = 'fleetdesk-updater';

/** The first check waits for the app to settle; then every 6 hours. */
export const FIRST_CHECK_MS = 60_000;
export const CHECK_EVERY_MS = 6 * 3600_000;

export interface UpdateOptions {
  /** desktop.json's updates.feed (already checked to be https); undefined: updates off. */
  feed: string | undefined;
  /** Creates the updater only when updates are on: electron-updater's autoUpdater picks the platform's. */
  updater: () => UpdaterLike;
  logger: Logger;
  /**
   * Where electron-updater's own config file is written. electron-builder embeds one in the app
   * only when a publish provider is configured (none is: publish: null), and electron-updater
   * needs it to name its download cache.
   */
  configFile: string;
  /** Tells the user, without stopping anything. */
  tell(title: string, body: string): void;
  /** Runs `fn` after `firstMs`, then every `everyMs` (timers by default; tests drive it themselves). */
  repeat?: (fn: () => void, firstMs: number, everyMs: number) => { stop(): void };
}

function timerRepeat(fn: () => void, firstMs: number, everyMs: number): { stop(): void } {
  const first = setTimeout(fn, firstMs);
  const every = setInterval(fn, everyMs);
  first.unref();
  every.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}

export interface AutoUpdates {
  /** Checks now (and downloads a newer version); resolves when the check is done, never rejects. */
  check(): Promise<UpdateInfo | null>;
  stop(): void;
}

export function startAutoUpdates(o: UpdateOptions): AutoUpdates | null {
  if (!o.feed) {
    o.logger.info('automatic updates are off (set updates.feed in desktop.json to turn them on)');
    return null;
  }
  const log = o.logger.child({ part: 'updates' });
  const updater = o.updater();
  fs.mkdirSync(path.dirname(o.configFile), { recursive: true });
  fs.writeFileSync(o.configFile, `# Written by FleetDesk from desktop.json's updates.feed at each start.\nprovider: generic\nurl: ${JSON.stringify(o.feed)}\nupdaterCacheDirName: ${UPDATER_CACHE}\n`);
  updater.updateConfigPath = o.configFile;
  updater.logger = { info: (m: unknown) => log.info(String(m)), warn: (m: unknown) => log.warn(String(m)), error: (m: unknown) => log.error(String(m)), debug: (m: string) => log.debug(m) };
  updater.setFeedURL({ provider: 'generic', url: o.feed });
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.allowDowngrade = false;
  // The feed has no blockmaps (electron-builder writes them only for a publish provider): whole files.
  updater.disableDifferentialDownload = true;
  let announced: string | null = null;
  updater.on('update-downloaded', (info) => {
    if (announced === info.version) return;
    announced = info.version;
    o.tell(`FleetDesk ${info.version} is ready`, `It was downloaded from ${o.feed} and will be installed when you quit FleetDesk.`);
  });
  // A feed that is down or wrong must never take the app with it: logged, tried again later.
  updater.on('error', (err) => log.warn({ err }, 'the update check failed'));

  const check = async () => {
    try {
      const result = await updater.checkForUpdates();
      if (result?.isUpdateAvailable) await result.downloadPromise;
      return result?.isUpdateAvailable ? result.updateInfo : null;
    } catch (err) {
      log.warn({ err, feed: o.feed }, 'the update check failed');
      return null;
    }
  };
  const schedule = (o.repeat ?? timerRepeat)(() => void check(), FIRST_CHECK_MS, CHECK_EVERY_MS);
  log.info({ feed: o.feed }, 'automatic updates are on');
  return { check, stop: () => schedule.stop() };
}
