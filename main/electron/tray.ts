/**
 * The tray icon: FleetDesk keeps receiving positions while its window is closed, so the tray
 * says the server is running, shows the addresses phones on the LAN use (click to copy),
 * reopens the window and quits.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ClipboardLike, MenuStatic, TrayConstructor, TrayLike } from './electron-api';

export interface TrayStatus {
  port: number;
  /** IPv4 addresses of this machine on the local network. */
  lanAddresses: string[];
  /** Whose server the window shows: this app's (default), or one another process runs on the data folder. */
  owner?: 'app' | 'other';
  /** The port the server was meant to have, when it had to move. */
  movedFrom?: number;
}

/** The first line of the menu and the tooltip: which server, on which port. */
export function statusLine(s: TrayStatus): string {
  if (s.owner === 'other') return `Using the server already running on :${s.port}`;
  return `Server running on :${s.port}${s.movedFrom ? ` (${s.movedFrom} was taken)` : ''}`;
}

export interface TrayActions {
  open(): void;
  quit(): void;
  copy(text: string): void;
}

/** The tray menu for a status, as Electron menu items. */
export function trayMenuTemplate(status: TrayStatus, actions: TrayActions): MenuItemConstructorOptions[] {
  const lan: MenuItemConstructorOptions[] =
    status.lanAddresses.length === 0
      ? [{ label: 'No local network address', enabled: false }]
      : status.lanAddresses.map((ip) => {
          const url = `http://${ip}:${status.port}`;
          return { label: `Copy ${url}`, toolTip: 'The address phones on this network send positions to', click: () => actions.copy(url) };
        });
  return [
    { label: statusLine(status), enabled: false },
    { type: 'separator' },
    { label: 'Phones on this network connect to:', enabled: false },
    ...lan,
    { type: 'separator' },
    { label: 'Open FleetDesk', click: () => actions.open() },
    { label: 'Quit FleetDesk', click: () => actions.quit() },
  ];
}

export interface TrayDeps {
  Tray: TrayConstructor;
  Menu: MenuStatic;
  clipboard: ClipboardLike;
  iconPath: string;
}

export interface FleetTray {
  /** Rebuilds the menu, e.g. after the network changed. */
  update(status: TrayStatus): void;
  destroy(): void;
}

export function createTray(deps: TrayDeps, status: TrayStatus, actions: Omit<TrayActions, 'copy'>): FleetTray {
  const tray: TrayLike = new deps.Tray(deps.iconPath);
  const full: TrayActions = { ...actions, copy: (text) => deps.clipboard.writeText(text) };
  const update = (s: TrayStatus) => {
    tray.setToolTip(`FleetDesk: ${statusLine(s).replace(/^./, (c) => c.toLowerCase())}`);
    tray.setContextMenu(deps.Menu.buildFromTemplate(trayMenuTemplate(s, full)));
  };
  update(status);
  // Windows and most Linux trays: a left click opens the window; the menu is on right click.
  tray.on('click', () => actions.open());
  return { update, destroy: () => tray.destroy() };
}
