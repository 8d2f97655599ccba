/**
 * The share token from the page's path (`/s/{token}`, a trailing slash allowed), or null when
 * the path holds none that could be one. The server judges the token; this only refuses what
 * cannot be sent back as one path segment.
 */
const TOKEN = /^\/s\/([A-Za-z0-9_-]{1,200})\/?$/;

export function shareToken(pathname: string): string | null {
  return TOKEN.exec(pathname)?.[1] ?? null;
}
