/*
 * FleetDesk driver app service worker (scope /driver): keeps the app shell so the page reloads
 * without a network. The page is fetched network-first (a new build shows up at once), the
 * hashed assets, icons and manifest cache-first. /api and /v1 are never touched: positions go
 * through the app's own IndexedDB queue, never through this cache.
 */
/* global self, caches */
const CACHE = 'fleetdesk-driver-shell-v1';
const SHELL = '/driver';
const STATIC = /^\/(assets\/|driver-icon|driver\.webmanifest$)/;

async function cacheShell() {
  const cache = await caches.open(CACHE);
  const res = await fetch(SHELL, { cache: 'no-cache' });
  if (!res.ok) throw new Error(`GET ${SHELL}: ${res.status}`);
  const html = await res.clone().text();
  const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]).filter((u) => STATIC.test(u));
  await cache.put(SHELL, res);
  await cache.addAll([...new Set(assets)]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fleetdesk-driver-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirstShell(request) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(SHELL, res.clone());
    return res;
  } catch (err) {
    const cached = await cache.match(SHELL);
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const res = await fetch(request);
  if (res.ok) await cache.put(request, res.clone());
  return res;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || /^\/(api|v1)(\/|$)/.test(url.pathname)) return;
  if (request.mode === 'navigate' && /^\/driver(\/|$)/.test(url.pathname)) event.respondWith(networkFirstShell(request));
  else if (STATIC.test(url.pathname)) event.respondWith(cacheFirst(request));
});
