/**
 * Electron's security checklist for the one FleetDesk window: the page may only be the
 * embedded server's console; new windows, foreign navigation, webviews and browser
 * permissions are refused; links leave for the user's browser only as parsed http(s) URLs.
 */
import type { HandlerDetails, WindowOpenHandlerResponse } from 'electron';
import { openExternalSafely } from './external-links';
import type { PreventableEvent, SessionLike, ShellLike, WebContentsLike } from './electron-api';

/**
 * The policy the window's session adds to the console's responses. Leaflet sets inline
 * styles; tiles come from a configurable http(s) tile server; the live socket is the
 * server's own ws:// origin. Kept in step with the server's own CONSOLE_CSP, which a
 * browser gets: both are enforced, so this one must not be narrower than the console needs.
 */
export function desktopCsp(serverOrigin: string): string {
  const ws = serverOrigin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https: http:",
    `connect-src 'self' ${ws}`,
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The origin of a URL, or null when it does not parse (an opaque origin never matches). */
export function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** The only permission the console uses: writing to the clipboard ("copy" LAN address). */
const ALLOWED_PERMISSIONS = new Set<string>(['clipboard-sanitized-write']);

/**
 * Denies every permission request and check by default; allows only ALLOWED_PERMISSIONS, and
 * only for the server's origin. Adds the CSP to every response from the server's origin.
 */
export function hardenSession(session: SessionLike, serverOrigin: string): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && originOf(details.requestingUrl) === serverOrigin);
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) => {
    return ALLOWED_PERMISSIONS.has(permission) && originOf(requestingOrigin) === serverOrigin;
  });
  const csp = desktopCsp(serverOrigin);
  // Every response passes here (URL patterns and ports are fiddly); only the server's are changed.
  session.webRequest.onHeadersReceived((details, callback) => {
    if (originOf(details.url) !== serverOrigin) return callback({});
    const headers: Record<string, string[]> = {};
    const policies: string[] = [];
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() === 'content-security-policy') policies.push(...value);
      else headers[name] = value;
    }
    // Several policies are all enforced: the server's (if any) and this one.
    // Electronegativity cannot evaluate a policy built at run time (desktopCsp, tested in
    // electron-window.test.ts): it is strict (default-src 'self', no inline or eval script).
    headers['Content-Security-Policy'] = [...policies, csp]; /* eng-disable CSP_GLOBAL_CHECK */
    callback({ responseHeaders: headers });
  });
}

/**
 * window.open and target=_blank never create a window: http(s) links go to the user's
 * browser. The page may navigate within the server's origin only; other http(s) targets
 * open in the browser instead; webviews are never attached.
 */
export function guardNavigation(webContents: WebContentsLike, serverOrigin: string, shell: ShellLike, onError: (err: unknown) => void): void {
  const openOutside = (url: string) => {
    openExternalSafely(shell, url).catch(onError);
  };
  webContents.setWindowOpenHandler((details: HandlerDetails): WindowOpenHandlerResponse => {
    openOutside(details.url);
    return { action: 'deny' };
  });
  const stayOnServer = (event: PreventableEvent, url: string) => {
    if (originOf(url) === serverOrigin) return;
    event.preventDefault();
    openOutside(url);
  };
  webContents.on('will-navigate', stayOnServer);
  webContents.on('will-redirect', stayOnServer);
  webContents.on('will-attach-webview', (event) => event.preventDefault());
}
