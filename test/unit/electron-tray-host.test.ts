/**
 * Linux tray detection: the session bus is asked whether a StatusNotifier host runs (through
 * dbus-send, or gdbus where that is missing). The desktops are played by a stand-in for those
 * two system tools, answering in their real output formats; without a tray host the app does
 * not create an icon nobody would see, and closing the window quits it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { startDesktopApp } from '../../main/electron/desktop-app';
import { linuxTrayHost, parseDbusBoolean, trayIsShown, type RunCommand } from '../../main/electron/tray-host';
import { createTrackingServer } from '../../main/server/index';
import { createElectronStub } from '../support/electron-stub';
import { tempDir } from '../support/server';

const DBUS_SEND_TRUE = 'method return time=1733420000.118 sender=org.freedesktop.DBus -> destination=:1.412 serial=3 reply_serial=2\n   boolean true\n';
const DBUS_SEND_FALSE = DBUS_SEND_TRUE.replace('boolean true', 'boolean false');
const DBUS_SEND_VARIANT = (v: boolean) => `method return time=1733420000.120 sender=:1.27 -> destination=:1.413 serial=912 reply_serial=2\n   variant       boolean ${v}\n`;

/** A desktop's session bus as dbus-send (or only gdbus) would report it. */
function desktop(opts: { watcher: boolean; host?: boolean; tool?: 'dbus-send' | 'gdbus' | 'none' }): { run: RunCommand; calls: string[] } {
  const calls: string[] = [];
  const tool = opts.tool ?? 'dbus-send';
  const run: RunCommand = async (file, args) => {
    calls.push([file, ...args].join(' '));
    if (tool === 'none' || file !== tool) throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
    const isGet = args.some((a) => a.includes('Properties.Get'));
    if (file === 'gdbus') return isGet ? `(<${opts.host ?? true}>,)\n` : `(${opts.watcher},)\n`;
    return isGet ? DBUS_SEND_VARIANT(opts.host ?? true) : opts.watcher ? DBUS_SEND_TRUE : DBUS_SEND_FALSE;
  };
  return { run, calls };
}

test('dbus-send and gdbus booleans are read', () => {
  assert.equal(parseDbusBoolean(DBUS_SEND_TRUE), true);
  assert.equal(parseDbusBoolean(DBUS_SEND_FALSE), false);
  assert.equal(parseDbusBoolean(DBUS_SEND_VARIANT(false)), false);
  assert.equal(parseDbusBoolean('(true,)\n'), true);
  assert.equal(parseDbusBoolean('(<false>,)\n'), false);
  assert.equal(parseDbusBoolean('Error org.freedesktop.DBus.Error.ServiceUnknown'), null);
});

test('KDE, XFCE, GNOME with AppIndicator: a StatusNotifier host shows the icon', async () => {
  const d = desktop({ watcher: true, host: true });
  assert.equal(await linuxTrayHost({ XDG_CURRENT_DESKTOP: 'KDE', XDG_SESSION_TYPE: 'wayland' }, d.run), 'present');
  assert.match(d.calls[0]!, /^dbus-send --session --print-reply --dest=org\.freedesktop\.DBus \/org\/freedesktop\/DBus org\.freedesktop\.DBus\.NameHasOwner string:org\.kde\.StatusNotifierWatcher$/);
  assert.match(d.calls[1]!, /--dest=org\.kde\.StatusNotifierWatcher \/StatusNotifierWatcher org\.freedesktop\.DBus\.Properties\.Get string:org\.kde\.StatusNotifierWatcher string:IsStatusNotifierHostRegistered$/);
  assert.equal(await linuxTrayHost({ XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, desktop({ watcher: true, tool: 'gdbus' }).run), 'present', 'gdbus when dbus-send is missing');
});

test('plain GNOME, a Wayland session without a tray, a watcher without host: no tray', async () => {
  assert.equal(await linuxTrayHost({ XDG_CURRENT_DESKTOP: 'GNOME', XDG_SESSION_TYPE: 'x11' }, desktop({ watcher: false }).run), 'absent');
  assert.equal(await linuxTrayHost({ XDG_CURRENT_DESKTOP: 'sway', XDG_SESSION_TYPE: 'wayland' }, desktop({ watcher: false }).run), 'absent');
  assert.equal(await linuxTrayHost({ XDG_CURRENT_DESKTOP: 'KDE' }, desktop({ watcher: true, host: false }).run), 'absent');
  assert.equal(await trayIsShown('linux', { XDG_CURRENT_DESKTOP: 'GNOME' }, desktop({ watcher: false }).run), false);
});

test('when nothing can be asked, or an X11 panel may take XEmbed icons, the tray is kept', async () => {
  assert.equal(await linuxTrayHost({ XDG_CURRENT_DESKTOP: 'GNOME' }, desktop({ watcher: false, tool: 'none' }).run), 'unknown');
  assert.equal(await linuxTrayHost({ XDG_CURRENT_DESKTOP: 'i3', XDG_SESSION_TYPE: 'x11' }, desktop({ watcher: false }).run), 'unknown');
  assert.equal(await trayIsShown('win32', {}, () => assert.fail('not asked on Windows')), true);
  assert.equal(await trayIsShown('darwin', {}, () => assert.fail('not asked on macOS')), true);
  // This machine, with its real tools (or none): an answer, never an exception.
  assert.ok(['present', 'absent', 'unknown'].includes(await linuxTrayHost()), '[\'present\', \'absent\', \'unknown\'].includes(await linuxTrayHost())');
});

test('without a tray host the app makes no icon and closing the window quits', async () => {
  const e = createElectronStub();
  const app = startDesktopApp({
    electron: e.api,
    createServer: createTrackingServer,
    logger: pino({ level: 'silent' }),
    dataDir: tempDir(),
    host: '127.0.0.1',
    port: 0,
    httpsPort: null,
    osmandPort: null,
    preloadPath: '/app/out/preload.cjs',
    trayIconPath: '/app/out/tray.png',
    lanAddresses: () => [],
    trayShown: () => trayIsShown('linux', { XDG_CURRENT_DESKTOP: 'GNOME', XDG_SESSION_TYPE: 'wayland' }, desktop({ watcher: false }).run),
  });
  await app.lifecycle.started;
  assert.equal(e.trays.length, 0);
  e.windows[0]!.close();
  e.app.emit('window-all-closed');
  await app.lifecycle.stopped;
  assert.equal(e.app.quitted, true);
});
