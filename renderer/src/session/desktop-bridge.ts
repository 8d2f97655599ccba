/**
 * In the desktop app the preload exposes `window.fleetdesk` (shared/ipc.ts), and the main
 * process hands the console an admin session through it: no password prompt on one's own
 * machine. Absent in a plain browser, so the same bundle runs in both.
 */
import type { DesktopSession, FleetDeskDesktopApi } from '../../../shared/ipc';
import { isSession, type Session } from './session';

declare global {
  interface Window {
    fleetdesk?: FleetDeskDesktopApi;
  }
}

export const isDesktop = (): boolean => typeof window.fleetdesk?.getSession === 'function';

/** In a browser the server served this page: REST and the WebSocket are on the same origin. */
export const browserBaseUrl = (): string => '';

/** The desktop app's session and the server URL the window reaches it at. */
export async function desktopSession(): Promise<{ session: Session; baseUrl: string }> {
  let raw: DesktopSession;
  try {
    raw = await window.fleetdesk!.getSession();
  } catch (err) {
    throw new Error(`the desktop app could not provide a session (${(err as Error).message}); restart FleetDesk`);
  }
  const { serverUrl, ...session } = raw ?? ({} as DesktopSession);
  if (!isSession(session) || typeof serverUrl !== 'string' || !/^https?:\/\//.test(serverUrl)) {
    throw new Error('the desktop app did not provide a usable session; restart FleetDesk');
  }
  return { session, baseUrl: serverUrl.replace(/\/+$/, '') };
}
