/**
 * Navigation between the console's pages, in the URL hash (#/map, #/trips/DR_1/2026-11-30,
 * #/alerts, #/shares, #/users, #/integrations, #/settings): no router needed. Segments after the page name are the
 * page's own (the trips page keeps its device and day there, so a view can be linked).
 */
import { useSyncExternalStore } from 'react';

export const ROUTES = ['map', 'trips', 'alerts', 'shares', 'users', 'integrations', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

function current(): Route {
  const name = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (ROUTES as readonly string[]).includes(name ?? '') ? (name as Route) : 'map';
}

function subscribe(l: () => void): () => void {
  window.addEventListener('hashchange', l);
  return () => window.removeEventListener('hashchange', l);
}

export const useHashRoute = (): Route => useSyncExternalStore(subscribe, current);
export const routeHref = (r: Route): string => `#/${r}`;

function currentPath(): string {
  return location.hash.replace(/^#\/?/, '');
}

/** The segments after the page name, decoded (#/trips/DR_1/2026-11-30 → ['DR_1', '2026-11-30']). */
export function useHashParams(): string[] {
  const path = useSyncExternalStore(subscribe, currentPath);
  return path
    .split('?')[0]!
    .split('/')
    .slice(1)
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

/** A page's link with its own segments. */
export const routePath = (r: Route, ...params: string[]): string => [`#/${r}`, ...params.map(encodeURIComponent)].join('/');

/** Changes the current page's segments without a history entry (a selection, not a navigation) and without a hashchange. */
export function replaceRoute(r: Route, ...params: string[]): void {
  const next = routePath(r, ...params);
  if (location.hash !== next) history.replaceState(history.state, '', `${location.pathname}${location.search}${next}`);
}

/**
 * The server answers `/devices/{id}` with the console: turn that path into the map page's own
 * link, `/#/map/{id}`, before any route is read (the query, such as a sign-in link's code, stays).
 */
export function rewriteDevicePath(): void {
  const m = /^\/devices\/([^/]+)\/?$/.exec(location.pathname);
  if (!m) return;
  let id = m[1]!;
  try {
    id = decodeURIComponent(id);
  } catch {
    // keep it as typed
  }
  history.replaceState(history.state, '', `/${location.search}${routePath('map', id)}`);
}
rewriteDevicePath();
