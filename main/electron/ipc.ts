/**
 * The main side of the desktop IPC: every channel of shared/ipc.ts is registered through one
 * wrapper that first checks who is asking (the main frame of our window, showing the
 * server's origin) and then validates the argument against the channel's schema. Until
 * then the argument is `unknown`; a handler only ever sees a valid one.
 */
import { schemaCheck, type SchemaCheck } from '../../shared/schema-check';
import { IPC_CHANNELS, type IpcArg, type IpcChannel, type IpcResult } from '../../shared/ipc';
import type { FrameLike, IpcMainInvokeEventLike, IpcMainLike } from './electron-api';
import { originOf } from './security';

export class IpcRejected extends Error {
  override readonly name = 'IpcRejected';
}

export type IpcHandlers = { [C in IpcChannel]: (arg: IpcArg<C>) => Promise<IpcResult<C>> | IpcResult<C> };

/** Whether a message comes from a frame allowed to use the desktop API; a reason when not. */
export type SenderCheck = (event: IpcMainInvokeEventLike) => string | null;

/**
 * Only the top frame of the current FleetDesk window, while it shows a page of the embedded
 * server, may call: not an iframe, not another window, not a page it navigated away to.
 */
export function senderCheck(current: () => { webContents: { mainFrame: FrameLike } } | null, serverUrl: string): SenderCheck {
  const serverOrigin = originOf(serverUrl);
  if (!serverOrigin) throw new Error(`the server URL "${serverUrl}" is not a valid URL`);
  return (event) => {
    const frame = event.senderFrame;
    if (!frame) return 'the sending frame is gone';
    const win = current();
    if (!win || event.sender !== win.webContents) return 'the sender is not the FleetDesk window';
    const main = win.webContents.mainFrame;
    // Electron hands out one object per frame; the node id is the fallback should that change.
    const isMain = frame === main || (frame.parent === null && frame.frameTreeNodeId === main.frameTreeNodeId);
    if (!isMain) return 'the sender is not the main frame of the FleetDesk window';
    const origin = originOf(frame.url);
    if (origin !== serverOrigin) return `the sender's origin ${origin ?? '(none)'} is not the FleetDesk server's ${serverOrigin}`;
    return null;
  };
}

const CHANNELS = Object.keys(IPC_CHANNELS) as IpcChannel[];
const validators = {} as Record<IpcChannel, SchemaCheck<unknown>>;
for (const channel of CHANNELS) validators[channel] = schemaCheck(IPC_CHANNELS[channel].arg);

/** Checks sender and argument of one call; returns the argument, typed, or throws IpcRejected. */
export function acceptCall<C extends IpcChannel>(channel: C, check: SenderCheck, event: IpcMainInvokeEventLike, args: unknown[]): IpcArg<C> {
  const refused = check(event);
  if (refused) throw new IpcRejected(`${channel}: refused: ${refused}`);
  if (args.length > 1) throw new IpcRejected(`${channel}: takes one argument, got ${args.length}`);
  const arg: unknown = args[0];
  const problem = validators[channel].problem(arg);
  if (problem !== null) throw new IpcRejected(`${channel}: invalid argument: ${problem}`);
  return arg as IpcArg<C>;
}

/** Registers every channel's handler behind the sender check and argument validation. */
export function registerIpc(ipcMain: IpcMainLike, check: SenderCheck, handlers: IpcHandlers): () => void {
  for (const channel of CHANNELS) {
    const handler = handlers[channel] as (arg: unknown) => unknown;
    ipcMain.handle(channel, (event, ...args) => handler(acceptCall(channel, check, event, args)));
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
  };
}
