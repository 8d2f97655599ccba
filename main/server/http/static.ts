/**
 * The dispatcher console (renderer/dist) at `/`. Every GET outside /api/ and /v1/ that is not
 * a file of the bundle answers index.html, so deep links such as /devices/DR_1 load the app.
 * `/driver` and `/driver/*` answer the driver web app (driver.html) instead; its service worker
 * (/driver-sw.js, scope /driver) and manifest are never cached by the browser's HTTP cache.
 * The bundle is looked up per request: building it while the server runs is enough.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { ServerContext } from '../context';
import type { App } from './app-type';
import { notFound } from './errors';

/**
 * Leaflet sets inline styles; map tiles come from a configurable (http or https) tile server;
 * the live socket is same-origin ws/wss.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
  "form-action 'self'",
].join('; ');

export const CONSOLE_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The driver web app's pages (see renderer/src/driver). */
const DRIVER_PATH = /^\/driver(\/|$)/;
/** Files that must be revalidated on every load: the service worker and the app manifest. */
const NO_CACHE_FILES = new Set(['driver-sw.js', 'driver.webmanifest']);

/** Paths that belong to the APIs: never answered with the console, so their 404s stay JSON. */
const API_PATH = /^\/(api|v1)(\/|$)/;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FleetDesk: console not built</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>The FleetDesk console is not built</h1>
<p>The tracking server is running, but the console bundle is missing. Build it with</p>
<pre>npm run build:renderer</pre>
<p>then reload this page. The REST API (<code>/api/v1</code>) and the Tracking API (<code>/v1/track</code>) work meanwhile.</p>
</body></html>
`;

function decodePath(url: string): string | null {
  try {
    return decodeURIComponent(url.split('?')[0] as string);
  } catch {
    return null;
  }
}

/** The bundle file a URL path names, relative to `root`, or null (no such file, or outside the root). */
async function bundleFile(root: string, pathname: string): Promise<string | null> {
  if (pathname.includes('\0') || pathname.split('/').some((seg) => seg.startsWith('.'))) return null;
  const full = path.resolve(root, `.${pathname}`);
  if (!full.startsWith(root + path.sep)) return null;
  const stat = await fs.promises.stat(full).catch(() => null);
  return stat?.isFile() ? path.relative(root, full).split(path.sep).join('/') : null;
}

export function consoleRoutes(app: App, ctx: ServerContext): void {
  const root = path.resolve(ctx.config.rendererDir);
  const sendIndex = (reply: FastifyReply, page = 'index.html') => reply.header('cache-control', 'no-cache').sendFile(page, { cacheControl: false });

  void app.register(async (scope) => {
    // serve: false: the route below decides between a bundle file, index.html and a 404.
    await scope.register(fastifyStatic, { root, serve: false, suppressWarning: true });

    scope.get('/*', { schema: { hide: true } }, async (req, reply) => {
      const pathname = decodePath(req.url);
      if (pathname === null) throw notFound(`no route ${req.method} ${req.url.split('?')[0]}`);
      if (API_PATH.test(pathname)) throw notFound(`no route ${req.method} ${pathname}`);
      reply.headers(CONSOLE_HEADERS);
      if (!fs.existsSync(path.join(root, 'index.html'))) {
        return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      }
      if (DRIVER_PATH.test(pathname)) {
        if (!fs.existsSync(path.join(root, 'driver.html'))) throw notFound('the driver app is not in the console bundle; rebuild it');
        return sendIndex(reply, 'driver.html');
      }
      const file = pathname === '/' ? null : await bundleFile(root, pathname);
      if (file !== null && NO_CACHE_FILES.has(file)) {
        if (file.endsWith('.webmanifest')) reply.type('application/manifest+json');
        return reply.header('cache-control', 'no-cache').sendFile(file, { cacheControl: false });
      }
      if (file === 'index.html' || (file === null && !pathname.startsWith('/assets/'))) return sendIndex(reply);
      if (file === null) throw notFound(`no file ${pathname} in the console bundle`);
      // Vite names assets by content hash: they never change under the same name.
      const hashed = file.startsWith('assets/');
      return reply.sendFile(file, { maxAge: hashed ? '365d' : 0, immutable: hashed });
    });
  });
}
