/** Navigation between the console's pages, in the URL hash (#/map, #/users, #/settings): no router needed. */
import { useSyncExternalStore } from 'react';

export const ROUTES = ['map', 'users', 'settings'] as const;
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
