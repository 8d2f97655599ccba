/**
 * The preload of the FleetDesk window, bundled to out/preload.cjs. It runs sandboxed, where
 * `require` knows only 'electron', and exposes `window.fleetdesk`: one function per channel of
 * shared/ipc.ts, never ipcRenderer itself. Only types come from shared/ipc.ts, so the
 * bundle stays free of the schemas (main validates every argument anyway).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { DESKTOP_API_KEY, FleetDeskDesktopApi, IpcArg, IpcChannel, IpcResult } from '../shared/ipc';

function invoke<C extends IpcChannel>(channel: C, ...arg: IpcArg<C> extends undefined ? [] : [IpcArg<C>]): Promise<IpcResult<C>> {
  return ipcRenderer.invoke(channel, ...arg) as Promise<IpcResult<C>>;
}

const api: FleetDeskDesktopApi = {
  getSession: () => invoke('session:get'),
  openExternal: (url) => invoke('shell:open-external', url),
  notify: (notification) => invoke('notify', notification),
  saveFile: (request) => invoke('dialog:save-file', request),
};

const key: typeof DESKTOP_API_KEY = 'fleetdesk';
contextBridge.exposeInMainWorld(key, Object.freeze(api));
