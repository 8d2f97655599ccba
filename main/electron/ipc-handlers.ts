/** What each desktop IPC channel does, once ipc.ts has checked the sender and the argument. */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SaveFileRequest, SaveFileResult } from '../../shared/ipc';
import type { Accounts } from '../server/accounts';
import type { Logger } from '../server/logger';
import { desktopSession, ensureDesktopOwner, type DesktopOwner, DESKTOP_OWNER } from './desktop-session';
import type { DialogLike, NotificationConstructor, ShellLike, WindowHandle } from './electron-api';
import { openExternalSafely } from './external-links';
import type { IpcHandlers } from './ipc';

export interface HandlerDeps {
  accounts: () => Accounts;
  serverUrl: string;
  logger: Logger;
  shell: ShellLike;
  Notification: NotificationConstructor;
  dialog: DialogLike;
  /** The window save dialogs belong to. */
  window: () => WindowHandle | null;
  /** The folder the save dialog starts in. */
  downloadsDir: () => string;
  owner?: DesktopOwner;
}

export function ipcHandlers(deps: HandlerDeps): IpcHandlers {
  const owner = deps.owner ?? DESKTOP_OWNER;
  return {
    // Ensured again on each call: an admin may have deleted or disabled the account meanwhile.
    'session:get': async () => {
      const accounts = deps.accounts();
      await ensureDesktopOwner(accounts, deps.logger, owner);
      return desktopSession(accounts, deps.serverUrl, owner);
    },
    'shell:open-external': (url) => openExternalSafely(deps.shell, url),
    notify: ({ title, body }) => {
      if (!deps.Notification.isSupported()) return;
      new deps.Notification({ title, body, silent: false }).show();
    },
    'dialog:save-file': (req) => saveFile(deps, req),
  };
}

async function saveFile(deps: HandlerDeps, req: SaveFileRequest): Promise<SaveFileResult> {
  // The schema already refuses folders in the name; basename keeps it a name regardless.
  const defaultPath = path.join(deps.downloadsDir(), path.basename(req.defaultName));
  const options = { title: 'Save', defaultPath, filters: req.filters ?? [], properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const] };
  // Calls come only from the window (ipc.ts checks), so it exists unless it closed meanwhile.
  const win = deps.window();
  if (!win || win.isDestroyed()) return { saved: false };
  const choice = await deps.dialog.showSaveDialog(win, options);
  if (choice.canceled || !choice.filePath) return { saved: false };
  await fs.writeFile(choice.filePath, req.content, 'utf8');
  deps.logger.info({ path: choice.filePath, bytes: Buffer.byteLength(req.content) }, 'saved a file for the console');
  return { saved: true, path: choice.filePath };
}
