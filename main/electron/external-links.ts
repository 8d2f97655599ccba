import type { ShellLike } from './electron-api';

/**
 * The URL to hand to the operating system, or null. Only absolute http(s) URLs pass:
 * `javascript:`, `file:`, `data:`, custom schemes (which can launch other programs) and
 * text that does not parse are refused, and so are URLs carrying a user name or password,
 * a classic way to disguise where a link goes.
 */
export function externalUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 8192) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || !url.hostname) return null;
  return url.href;
}

/** Opens a link in the user's browser when `externalUrl` accepts it; says whether it did. */
export async function openExternalSafely(shell: ShellLike, raw: unknown): Promise<boolean> {
  const href = externalUrl(raw);
  if (!href) return false;
  // Only what externalUrl accepted: an http(s) URL without credentials, parsed and re-serialised.
  await shell.openExternal(href); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
  return true;
}
