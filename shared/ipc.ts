/**
 * The IPC between the desktop window (preload) and the Electron main process, declared once:
 * each channel's argument schema (main validates with it; the argument is `unknown` until
 * then), its result schema, and the name of the preload function that calls it. The renderer
 * types `window.fleetdesk` with `FleetDeskDesktopApi`; it is absent in a plain browser.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { LoginReply } from './api/schemas';

/**
 * What the desktop window needs to talk to its own embedded server as the desktop owner:
 * the same fields as the REST sign-in reply (`token`, `expires_at`, `user`) plus the server's
 * URL as the window reaches it, e.g. `http://127.0.0.1:8765` (no trailing slash). Call
 * `getSession()` again for a fresh token.
 */
export const DesktopSession = Type.Object({ serverUrl: Type.String(), ...LoginReply.properties });
export type DesktopSession = Static<typeof DesktopSession>;

export const SaveFileFilter = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    extensions: Type.Array(Type.String({ pattern: '^(\\*|[A-Za-z0-9]{1,16})$' }), { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);

export const SaveFileRequest = Type.Object(
  {
    /** A file name only (no folder): the user picks where it goes. */
    defaultName: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/\\\\\\u0000]+$' }),
    /** Text content, written as UTF-8 (CSV, GPX, JSON…); up to 50 MB. */
    content: Type.String({ maxLength: 50 * 1024 * 1024 }),
    filters: Type.Optional(Type.Array(SaveFileFilter, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type SaveFileRequest = Static<typeof SaveFileRequest>;

export const SaveFileResult = Type.Object({ saved: Type.Boolean(), path: Type.Optional(Type.String()) });
export type SaveFileResult = Static<typeof SaveFileResult>;

export const NotifyRequest = Type.Object(
  { title: Type.String({ minLength: 1, maxLength: 200 }), body: Type.String({ maxLength: 2000 }) },
  { additionalProperties: false },
);
export type NotifyRequest = Static<typeof NotifyRequest>;

/** An absolute URL as text; main opens it only when it parses as http: or https:. */
export const ExternalUrl = Type.String({ minLength: 1, maxLength: 8192 });

/** The one map: channel → argument schema, result schema, preload function name. */
export const IPC_CHANNELS = {
  'session:get': { arg: Type.Undefined(), result: DesktopSession, method: 'getSession' },
  'shell:open-external': { arg: ExternalUrl, result: Type.Boolean(), method: 'openExternal' },
  notify: { arg: NotifyRequest, result: Type.Void(), method: 'notify' },
  'dialog:save-file': { arg: SaveFileRequest, result: SaveFileResult, method: 'saveFile' },
} as const satisfies Record<string, { arg: TSchema; result: TSchema; method: string }>;

export type IpcChannels = typeof IPC_CHANNELS;
export type IpcChannel = keyof IpcChannels;
export type IpcArg<C extends IpcChannel> = Static<IpcChannels[C]['arg']>;
export type IpcResult<C extends IpcChannel> = Static<IpcChannels[C]['result']>;

type ApiFunction<C extends IpcChannel> = [IpcArg<C>] extends [undefined] ? () => Promise<IpcResult<C>> : (arg: IpcArg<C>) => Promise<IpcResult<C>>;

/**
 * `window.fleetdesk` in the desktop app: one function per channel. Declare it in the renderer
 * as `window.fleetdesk?: FleetDeskDesktopApi`.
 */
export type FleetDeskDesktopApi = { readonly [C in IpcChannel as IpcChannels[C]['method']]: ApiFunction<C> };

/** The global name the preload exposes the API under. */
export const DESKTOP_API_KEY = 'fleetdesk';
