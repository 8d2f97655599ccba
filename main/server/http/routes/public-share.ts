/**
 * The public side of a share, no login: `/s/{token}` (the share page, share.html of the built
 * renderer), `/s/{token}/data` (PublicShare JSON) and `/s/{token}/live` (Server-Sent Events).
 * Every token that opens nothing — empty, malformed, guessed, or of a share long ended and
 * purged — goes through the one `unknown()` answer, so a caller learns nothing from the answer
 * but "not here". Each request costs its address a token of a bucket (429 with Retry-After).
 * Headers: a strict CSP whose frame-ancestors are the company's frame_origins ('none' by
 * default), no-referrer (the token is in the URL), nosniff, and no-store for every proxy.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply } from 'fastify';
import type { ServerContext } from '../../context';
import type { ShareRow } from '../../store/shares';
import type { App } from '../app-type';
import { rateLimited } from '../errors';
import { TokenBuckets } from '../../auth/token-buckets';
import { MAX_VIEWERS_PER_SHARE, ShareLive } from '../share-live';
import { SHARE_PATH } from './share-links';

const UNKNOWN_MESSAGE = 'This share link is not valid, or the share has ended and is no longer kept.';

const page = (title: string, text: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32em;margin:3em auto;padding:0 1em;color:#222">
<h1 style="font-size:1.4em">${title}</h1><p>${text}</p></body></html>
`;
const UNKNOWN_PAGE = page('Link not found', `${UNKNOWN_MESSAGE} Ask the sender for a new link.`);
const NOT_BUILT_PAGE = page('Share page unavailable', 'The share page is not part of this server’s installed bundle. Ask the sender to update FleetDesk.');

/** The share page's Content-Security-Policy: map tiles from any tile server (as the console), the feed same-origin. */
export function shareCsp(frameOrigins: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https: http:",
    "connect-src 'self'",
    `frame-ancestors ${frameOrigins.length > 0 ? frameOrigins.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function shareHeaders(frameOrigins: readonly string[]): Record<string, string> {
  return {
    'content-security-policy': shareCsp(frameOrigins),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'x-robots-tag': 'noindex',
    ...(frameOrigins.length === 0 ? { 'x-frame-options': 'DENY' } : {}),
  };
}

type Part = 'page' | 'data' | 'live';

/** The one answer for a token that opens nothing (also for a URL the router cannot decode: app.ts). */
export function unknownShare(reply: FastifyReply, url: string) {
  const { part } = parse(url);
  reply.code(404).headers(shareHeaders([]));
  return part === 'page' ? reply.type('text/html; charset=utf-8').send(UNKNOWN_PAGE) : reply.send({ error: 'NotFound', message: UNKNOWN_MESSAGE });
}

/** Whether a request URL is a share link's (`/s/…`). */
export const isShareUrl = (url: string): boolean => url.startsWith(`${SHARE_PATH}/`);

/** `/s/{token}[/data|/live]` → its token and part; anything else under /s/ is a page with no token. */
function parse(url: string): { token: string; part: Part } {
  const segments = (url.split('?')[0] as string).slice(SHARE_PATH.length + 1).split('/');
  const [token = '', sub, ...rest] = segments;
  if (rest.length > 0 || (sub !== undefined && sub !== '' && sub !== 'data' && sub !== 'live')) return { token: '', part: 'page' };
  return { token, part: sub === 'data' || sub === 'live' ? sub : 'page' };
}

export function publicShareRoutes(app: App, ctx: ServerContext): void {
  const buckets = new TokenBuckets(ctx.clock, ctx.config.shareRateLimit);
  const live = new ShareLive(ctx.shares, ctx.logger);
  app.addHook('preClose', async () => live.closeAll());
  const rendererDir = path.resolve(ctx.config.rendererDir);

  const sendPage = async (reply: FastifyReply) => {
    const html = await fs.promises.readFile(path.join(rendererDir, 'share.html'), 'utf8').catch(() => null);
    if (html === null) return reply.code(404).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    return reply.type('text/html; charset=utf-8').send(html);
  };

  const sendLive = async (row: ShareRow, reply: FastifyReply, headers: Record<string, string>) => {
    if (live.viewersOf(row.id) >= MAX_VIEWERS_PER_SHARE) throw rateLimited('this share has too many viewers right now; try again shortly', 30);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    await live.add(row, res).catch((err: unknown) => {
      ctx.logger.error({ err }, 'a share live feed could not start');
      res.end();
    });
  };

  for (const route of [`${SHARE_PATH}/`, `${SHARE_PATH}/*`]) {
    app.get(route, { schema: { hide: true } }, async (req, reply) => {
      const { token, part } = parse(req.url);
      reply.headers(shareHeaders([]));
      const wait = buckets.take(req.ip);
      if (wait > 0) throw rateLimited('too many requests for share links from this address; try again shortly', wait);
      const row = ctx.shares.byToken(token);
      if (!row) return unknownShare(reply, req.url);
      const headers = shareHeaders(ctx.shares.settings(row.company_id).frame_origins);
      if (!('x-frame-options' in headers)) reply.removeHeader('x-frame-options');
      reply.headers(headers);
      if (part === 'page') return sendPage(reply);
      if (part === 'data') return ctx.shares.publicShare(row);
      return sendLive(row, reply, headers);
    });
  }
}
