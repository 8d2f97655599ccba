/**
 * Webhook: a POST of the JSON envelope, signed as the Standard Webhooks specification says
 * (https://www.standardwebhooks.com): `webhook-id` (the stable event id, the receiver's
 * idempotency key), `webhook-timestamp` (seconds), `webhook-signature` (`v1,` + base64 of
 * HMAC-SHA256 over `id.timestamp.body` with the secret's bytes). Signed by the `standardwebhooks`
 * package itself, so a receiver verifies with the same package in a few lines (README).
 * Connections are kept alive and reused (Node's fetch pools them per origin).
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { ProviderSettings } from '../../../../shared/api/notifications';
import { badRequest } from '../../errors';
import { elapsed, plainError, type ProviderClient, type ProviderKind } from '../provider';
import { VERSION } from '../../version';

type Settings = ProviderSettings['webhook'];

/** Headers FleetDesk sets itself; a custom header may not replace them. */
const RESERVED = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type', 'content-length', 'host', 'connection', 'transfer-encoding']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

function checkSecret(secret: string): void {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  const bytes = m ? Buffer.from(m[1]!, 'base64').length : 0;
  if (!m || bytes < 24 || bytes > 64) throw badRequest('secret must be "whsec_" followed by the base64 of 24 to 64 random bytes (leave it out and FleetDesk makes one)');
}

export const webhook: ProviderKind<Settings> = {
  provider: 'webhook',
  prepare(s) {
    let u: URL;
    try {
      u = new URL(s.url);
    } catch {
      throw badRequest('url must be a full http or https address, e.g. https://backend.example.com/fleetdesk');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badRequest('url must start with https:// (or http:// on a private network)');
    if (u.username || u.password) throw badRequest('url must not hold a user name or password: put credentials in a custom header');
    for (const [name, value] of Object.entries(s.headers ?? {})) {
      if (!HEADER_NAME.test(name)) throw badRequest(`"${name}" is not a valid header name`);
      if (RESERVED.has(name.toLowerCase())) throw badRequest(`the header "${name}" is set by FleetDesk and cannot be replaced`);
      if (/[\r\n\0]/.test(value)) throw badRequest(`the value of header "${name}" must be one line`);
    }
    const secret = s.secret ?? newWebhookSecret();
    checkSecret(secret);
    return { ...s, secret };
  },
  connect(s, _env): ProviderClient {
    const signer = new Webhook(s.secret!);
    const base = { ...(s.headers ?? {}), 'user-agent': `FleetDesk/${VERSION}`, 'content-type': 'application/json' };
    return {
      async send(event, signal) {
        const body = JSON.stringify(event.envelope);
        const now = new Date();
        const headers = {
          ...base,
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signer.sign(event.id, now, body),
        };
        const start = performance.now();
        try {
          const res = await fetch(s.url, { method: 'POST', headers, body, signal, redirect: 'manual' });
          // the body is read (bounded) so the connection goes back to the pool
          const text = (await res.text()).slice(0, 200);
          const ms = elapsed(start);
          if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, ms, error: null };
          const why = res.status >= 300 && res.status < 400 ? `the receiver redirected (${res.headers.get('location') ?? 'no location'}): use the final address` : `the receiver answered ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').trim()}` : ''}`;
          return { ok: false, status: res.status, ms, error: why };
        } catch (err) {
          return { ok: false, status: null, ms: elapsed(start), error: plainError(err, signal) };
        }
      },
      async close() {},
    };
  },
};
