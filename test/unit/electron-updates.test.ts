/**
 * Automatic updates against a local HTTPS feed: the feed files `npm run dist` writes
 * (scripts/update-feed.ts), served over TLS on loopback, read by electron-updater's real
 * AppImageUpdater. The stand-ins are Electron's side of it: electron-updater's own AppAdapter
 * seam (the installed app's version and folders) and `require('electron').net`, which is
 * Node's https here, trusting the feed's self-signed certificate as a system would a real one.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { AppImageUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter';
import { ElectronHttpExecutor } from 'electron-updater/out/electronHttpExecutor';
import { startDesktopApp } from '../../main/electron/desktop-app';
import { CHECK_EVERY_MS, DEB_RECORD, FIRST_CHECK_MS, linuxInstall, startAutoUpdates } from '../../main/electron/updates';
import { createTrackingServer } from '../../main/server/index';
import { loadOrCreateCertificate } from '../../main/server/tls/certificate';
import { channelFile, updateInfo, writeUpdateFeed } from '../../scripts/update-feed';
import { installElectronModule } from '../support/electron-module';
import { createElectronStub } from '../support/electron-stub';
import { tempDir } from '../support/server';

const feedDir = tempDir('fleetdesk-feed-');
let server: https.Server;
let feed: string;
let electron: { requests: string[] };
/** What the feed serves instead of a file, to play a tampered or broken release. */
const overrides = new Map<string, Buffer>();

before(async () => {
  const tls = await loadOrCreateCertificate(tempDir(), undefined, Date.now());
  electron = installElectronModule({ ca: tls.cert });
  server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname.replace(/^\/feed\//, ''));
    const file = path.join(feedDir, path.basename(name));
    const body = overrides.get(path.basename(name)) ?? (fs.existsSync(file) ? fs.readFileSync(file) : null);
    if (!body) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feed = `https://127.0.0.1:${(server.address() as AddressInfo).port}/feed/`;
});
after(() => server.close());

/** A release 0.2.0 in the feed: an AppImage and a deb, and latest-linux.yml naming them. */
function publishRelease(version = '0.2.0'): Buffer {
  const appImage = crypto.randomBytes(200_000);
  fs.writeFileSync(path.join(feedDir, `FleetDesk-${version}.AppImage`), appImage);
  fs.writeFileSync(path.join(feedDir, `fleetdesk_${version}_amd64.deb`), crypto.randomBytes(1000));
  const release = [`FleetDesk-${version}.AppImage`, `fleetdesk_${version}_amd64.deb`, `fleetdesk-${version}.tar.gz`].map((f) => path.join(feedDir, f));
  fs.writeFileSync(release[2]!, 'not an installer');
  const written = writeUpdateFeed(feedDir, 'linux', process.arch, version, release);
  assert.equal(written, path.join(feedDir, channelFile('linux', process.arch)));
  return appImage;
}

/** The installed app as electron-updater sees it (electron-updater's own seam for this). */
function installedApp(version = '0.1.0'): AppAdapter & { quitHandlers: ((code: number) => void)[] } {
  const dir = tempDir('fleetdesk-installed-');
  const quitHandlers: ((code: number) => void)[] = [];
  return {
    version,
    name: 'FleetDesk',
    isPackaged: true,
    appUpdateConfigPath: path.join(dir, 'app-update.yml'),
    userDataPath: path.join(dir, 'userData'),
    baseCachePath: path.join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => {},
    quit: () => {},
    onQuit: (h) => void quitHandlers.push(h),
    quitHandlers,
  };
}

function capture() {
  const lines: { msg: string; err?: { message: string } }[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const noRepeat = () => ({ stop() {} });

/**
 * electron-updater's real AppImageUpdater for `app`. Given an AppAdapter, electron-updater
 * leaves its HTTP executor to the caller: this is the one it uses inside Electron.
 */
function appImageUpdater(app: AppAdapter): AppImageUpdater {
  const updater = new AppImageUpdater(null, app);
  (updater as unknown as { httpExecutor: ElectronHttpExecutor }).httpExecutor = new ElectronHttpExecutor();
  return updater;
}

test('off by default: without a feed no updater is even created', () => {
  const { logger, lines } = capture();
  const updates = startAutoUpdates({ feed: undefined, updater: () => assert.fail('no updater without a feed'), logger, configFile: path.join(tempDir(), 'app-update.yml'), tell: () => assert.fail(), repeat: noRepeat });
  assert.equal(updates, null);
  assert.match(lines[0]!.msg, /automatic updates are off \(set updates\.feed in desktop\.json to turn them on\)/);
});

test('a newer release in the feed is downloaded, verified and announced; installing waits for quit', async () => {
  const appImage = publishRelease();
  const feedText = fs.readFileSync(path.join(feedDir, channelFile('linux', process.arch)), 'utf8');
  assert.match(feedText, /^version: 0\.2\.0$/m);
  assert.match(feedText, /url: FleetDesk-0\.2\.0\.AppImage/);
  assert.match(feedText, /url: fleetdesk_0\.2\.0_amd64\.deb/);
  assert.doesNotMatch(feedText, /tar\.gz/, 'only what electron-updater can install');

  const app = installedApp('0.1.0');
  process.env.APPIMAGE = path.join(tempDir(), 'FleetDesk.AppImage'); // electron-updater updates an AppImage only from one
  const told: [string, string][] = [];
  const { logger } = capture();
  const updates = startAutoUpdates({ feed, updater: () => appImageUpdater(app), logger, configFile: path.join(tempDir(), 'app-update.yml'), tell: (t, b) => void told.push([t, b]), repeat: noRepeat })!;
  const info = await updates.check();
  assert.equal(info?.version, '0.2.0');
  assert.deepEqual(told, [['FleetDesk 0.2.0 is ready', `It was downloaded from ${feed} and will be installed when you quit FleetDesk.`]]);
  assert.ok(electron.requests.some((r) => r.includes(`/feed/${channelFile('linux', process.arch)}?`)), 'the feed file was asked for');
  assert.ok(electron.requests.some((r) => r.endsWith('/feed/FleetDesk-0.2.0.AppImage')), 'then the AppImage, not the deb');
  const downloaded = fs.readdirSync(path.join(app.baseCachePath, 'fleetdesk-updater', 'pending')).filter((f) => f.endsWith('.AppImage'));
  assert.equal(downloaded.length, 1);
  assert.ok(fs.readFileSync(path.join(app.baseCachePath, 'fleetdesk-updater', 'pending', downloaded[0]!)).equals(appImage), 'fs.readFileSync(path.join(app.baseCachePath, \'fleetdesk-updater\', \'pending\', downloaded[0]!)).equals(appImage)');
  assert.equal(app.quitHandlers.length, 1, 'the install is left for the quit');

  // Checked again later: the same version is not announced twice.
  await updates.check();
  assert.equal(told.length, 1);
  updates.stop();
});

test('a release whose file does not match its SHA-512 is not installed, and the app goes on', async () => {
  publishRelease('0.3.0');
  overrides.set('FleetDesk-0.3.0.AppImage', crypto.randomBytes(200_000));
  try {
    const app = installedApp('0.1.0');
    process.env.APPIMAGE = path.join(tempDir(), 'FleetDesk.AppImage');
    const told: string[] = [];
    const { logger, lines } = capture();
    const updates = startAutoUpdates({ feed, updater: () => appImageUpdater(app), logger, configFile: path.join(tempDir(), 'app-update.yml'), tell: (t) => void told.push(t), repeat: noRepeat })!;
    assert.equal(await updates.check(), null);
    assert.deepEqual(told, []);
    assert.ok(lines.some((l) => l.msg === 'the update check failed' && /sha512 checksum mismatch/i.test(l.err?.message ?? '')), 'the mismatch is logged');
    assert.equal(app.quitHandlers.length, 0, 'nothing to install at quit');
  } finally {
    overrides.clear();
  }
});

test('a feed that is down or not a feed is logged and tried again later, never thrown', async () => {
  const { logger, lines } = capture();
  for (const url of ['https://127.0.0.1:9/feed/', `${feed.replace('/feed/', '/nothing-here/')}`]) {
    const updates = startAutoUpdates({ feed: url, updater: () => appImageUpdater(installedApp()), logger, configFile: path.join(tempDir(), 'app-update.yml'), tell: () => assert.fail(), repeat: noRepeat })!;
    assert.equal(await updates.check(), null);
  }
  assert.equal(lines.filter((l) => l.msg === 'the update check failed').length >= 2, true);
});

test('checks run a minute after start, then every 6 hours', async () => {
  publishRelease('0.4.0');
  const scheduled: { fn: () => void; first: number; every: number }[] = [];
  const { logger } = capture();
  const told: string[] = [];
  process.env.APPIMAGE = path.join(tempDir(), 'FleetDesk.AppImage');
  const updates = startAutoUpdates({
    feed,
    updater: () => appImageUpdater(installedApp('0.1.0')),
    logger,
    configFile: path.join(tempDir(), 'app-update.yml'),
    tell: (t) => void told.push(t),
    repeat: (fn, first, every) => (scheduled.push({ fn, first, every }), { stop() {} }),
  })!;
  assert.deepEqual(
    scheduled.map((s) => [s.first, s.every]),
    [[FIRST_CHECK_MS, CHECK_EVERY_MS]],
  );
  assert.equal(FIRST_CHECK_MS, 60_000);
  assert.equal(CHECK_EVERY_MS, 6 * 3600_000);
  const before = electron.requests.length;
  scheduled[0]!.fn(); // the timer firing
  await updates.check(); // joins the check in progress
  assert.ok(electron.requests.length > before, 'electron.requests.length > before');
  assert.deepEqual(told, ['FleetDesk 0.4.0 is ready']);
});

test('feed files name each installer with its size and SHA-512', () => {
  const dir = tempDir();
  const exe = path.join(dir, 'FleetDesk Setup 1.0.0.exe');
  fs.writeFileSync(exe, 'installer');
  const text = updateInfo('1.0.0', [exe], new Date('2026-01-02T03:04:05Z'));
  const sha = crypto.createHash('sha512').update('installer').digest('base64');
  assert.equal(text, `version: 1.0.0\nfiles:\n  - url: FleetDesk Setup 1.0.0.exe\n    sha512: ${sha}\n    size: 9\npath: FleetDesk Setup 1.0.0.exe\nsha512: ${sha}\nreleaseDate: '2026-01-02T03:04:05.000Z'\n`);
  assert.equal(channelFile('win32', 'x64'), 'latest.yml');
  assert.equal(channelFile('darwin', 'arm64'), 'latest-mac.yml');
  assert.equal(channelFile('linux', 'arm64'), 'latest-linux-arm64.yml');
  assert.equal(writeUpdateFeed(dir, 'win32', 'x64', '1.0.0', [path.join(dir, 'FleetDesk-1.0.0-win.zip')]), null, 'no installer electron-updater can run: no feed file');
});

test('the desktop app turns updates on from desktop.json, and off without it', async () => {
  publishRelease('0.5.0');
  process.env.APPIMAGE = path.join(tempDir(), 'FleetDesk.AppImage');
  for (const withFeed of [false, true]) {
    const dataDir = tempDir();
    if (withFeed) fs.writeFileSync(path.join(dataDir, 'desktop.json'), JSON.stringify({ updates: { feed } }));
    const e = createElectronStub();
    const created: AppImageUpdater[] = [];
    const desktop = startDesktopApp({
      electron: e.api,
      createServer: createTrackingServer,
      logger: pino({ level: 'silent' }),
      dataDir,
      host: '127.0.0.1',
      port: 0,
      httpsPort: null,
      osmandPort: null,
      preloadPath: '/app/out/preload.cjs',
      trayIconPath: '/app/out/tray.png',
      lanAddresses: () => [],
      updater: () => {
        const u = appImageUpdater(installedApp('0.1.0'));
        created.push(u);
        return u;
      },
    });
    await desktop.lifecycle.started;
    assert.equal(created.length, withFeed ? 1 : 0);
    if (withFeed) {
      assert.match(fs.readFileSync(path.join(dataDir, 'app-update.yml'), 'utf8'), new RegExp(`provider: generic\\nurl: "${feed}"\\nupdaterCacheDirName: fleetdesk-updater`));
      const info = await created[0]!.checkForUpdates();
      assert.equal(info?.updateInfo.version, '0.5.0');
      await info?.downloadPromise;
      assert.ok(e.notifications.some((n) => n.title === 'FleetDesk 0.5.0 is ready'), 'e.notifications.some((n) => n.title === \'FleetDesk 0.5.0 is ready\')');
    }
    e.app.quit();
    await desktop.lifecycle.stopped;
  }
});

test('a Linux install is told apart: AppImage by $APPIMAGE, deb by dpkg’s record, anything else does not update', () => {
  assert.equal(linuxInstall({ APPIMAGE: '/home/ana/Apps/FleetDesk-0.1.0.AppImage' }, () => true), 'appimage');
  assert.equal(linuxInstall({}, (f) => f === DEB_RECORD), 'deb');
  assert.equal(DEB_RECORD, '/var/lib/dpkg/info/fleetdesk.list');
  assert.equal(JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')).name, 'fleetdesk', 'the deb is named after package.json');
  assert.equal(linuxInstall({}, () => false), 'other');
});
