/**
 * Whether this Linux desktop shows tray icons. Electron's Tray never fails on Linux: where
 * nothing hosts tray icons (GNOME without the AppIndicator extension) the icon is simply not
 * there, and an app that keeps running after its window closes would run invisibly. Tray
 * icons are shown by a StatusNotifier host (KDE, XFCE, Cinnamon, MATE, Budgie, GNOME with the
 * extension, most Wayland bars), found on the session bus; X11 panels may also take the older
 * XEmbed icons, which cannot be asked about from here, so an X11 session outside GNOME without
 * a StatusNotifier host counts as unknown, and unknown keeps the tray.
 */
import { execFile } from 'node:child_process';

export type TrayHost = 'present' | 'absent' | 'unknown';

/** Runs a command and resolves with its stdout; rejects when it cannot run or fails. */
export type RunCommand = (file: string, args: string[]) => Promise<string>;

const WATCHER = 'org.kde.StatusNotifierWatcher';

export const runCommand: RunCommand = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 2_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });

/** dbus-send's or gdbus's printed boolean: "boolean true", "variant boolean true", "(true,)", "(<true>,)". */
export function parseDbusBoolean(output: string): boolean | null {
  const m = /\b(?:boolean\s+)(true|false)\b|\(<?(true|false)>?,\)/.exec(output);
  if (!m) return null;
  return (m[1] ?? m[2]) === 'true';
}

async function ask(run: RunCommand, dest: string, objectPath: string, method: string, args: string[]): Promise<boolean | null> {
  try {
    return parseDbusBoolean(await run('dbus-send', ['--session', '--print-reply', `--dest=${dest}`, objectPath, method, ...args.map((a) => `string:${a}`)]));
  } catch {
    try {
      return parseDbusBoolean(await run('gdbus', ['call', '--session', '--dest', dest, '--object-path', objectPath, '--method', method, ...args]));
    } catch {
      return null;
    }
  }
}

export async function linuxTrayHost(env: NodeJS.ProcessEnv = process.env, run: RunCommand = runCommand): Promise<TrayHost> {
  const owned = await ask(run, 'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', [WATCHER]);
  if (owned === true) {
    // The watcher may run without any host showing the icons (a panel that was removed).
    const host = await ask(run, WATCHER, '/StatusNotifierWatcher', 'org.freedesktop.DBus.Properties.Get', [WATCHER, 'IsStatusNotifierHostRegistered']);
    return host === false ? 'absent' : 'present';
  }
  if (owned === null) return 'unknown'; // no session bus or no tool to ask it
  const desktop = (env.XDG_CURRENT_DESKTOP ?? '').toUpperCase();
  const x11 = (env.XDG_SESSION_TYPE ?? (env.WAYLAND_DISPLAY ? 'wayland' : 'x11')) === 'x11';
  if (desktop.includes('GNOME') || !x11) return 'absent';
  return 'unknown';
}

/** Whether the app should rely on a tray icon on this system. */
export async function trayIsShown(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, run: RunCommand = runCommand): Promise<boolean> {
  if (platform !== 'linux') return true;
  return (await linuxTrayHost(env, run)) !== 'absent';
}
