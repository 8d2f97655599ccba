import pino from 'pino';

export type Logger = pino.Logger;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Structured logs on stderr (stdout carries only the "listening" line): JSON lines, or a
 * readable form when stderr is a terminal.
 */
export function createLogger(level: LogLevel = 'info', pretty = process.stderr.isTTY === true): Logger {
  if (pretty) {
    return pino({ level, base: undefined }, pino.transport({ target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l' } }));
  }
  return pino({ level, base: undefined }, pino.destination({ dest: 2, sync: false }));
}

/**
 * Log fields that hold secrets are censored, wherever a log line puts them: device keys
 * (OsmAnd's `id`, GPSLogger's `key`), tokens, passwords, Authorization headers; in URLs also
 * sign-in and enrolment codes.
 */
const SECRET_FIELDS = ['key', 'device_key', 'token', 'password', 'authorization', 'share_token'];
export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

/** Query parameters that carry a phone's device key or another secret. */
const SECRET_PARAMS = /^(id|deviceid|device_id|key|token|password|code|login)$/i;

/** A share link's token (`/s/{token}`, http/routes/public-share.ts) is a secret too. */
const SHARE_LINK = /^((?:[a-z]+:\/\/[^/]+)?\/s\/)[^/?#]+/i;

/** A URL as it may appear in a log: share tokens and the values of secret query parameters replaced. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  url = url.replace(SHARE_LINK, '$1[redacted]');
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((kv) => {
      const eq = kv.indexOf('=');
      const name = decodeURIComponentSafe(eq < 0 ? kv : kv.slice(0, eq));
      return SECRET_PARAMS.test(name) ? `${kv.slice(0, eq < 0 ? kv.length : eq)}=[redacted]` : kv;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

const decodeURIComponentSafe = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * The server's logger: the one it was given (or a new one), with secrets censored and every
 * `url` field stripped of secret query values, whoever made the parent logger.
 */
export function secretSafe(parent: Logger): Logger {
  return parent.child({}, { redact: { paths: REDACT_PATHS, censor: '[redacted]' }, serializers: { url: (u: string) => safeUrl(u) } });
}
