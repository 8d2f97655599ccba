/**
 * Webhook: a POST of the JSON envelope, signed as the Standard Webhooks specification says
 * (https://www.standardwebhooks.com): `webhook-id` (the stable event id, the receiver's
 * idempotency key), `webhook-timestamp` (seconds), `webhook-signature` (`v1,` + base64 of
 * HMAC-SHA256 over `id.timestamp.body` with the secret's bytes). Signed by the `standardwebhooks`
 * package itself, so a receiver verifies with the same package in a few lines (README).
 * Connections are kept alive and reused (one agent pair per destination, agents.ts), and a
 * receiver behind a private CA is trusted through the server's extra CAs (`env.ca`).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { keepAliveAgents, oneLine, type Agents } from './agents';
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
  connect(s, env): ProviderClient {
    const signer = new Webhook(s.secret!);
    const agents = keepAliveAgents(env);
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
          const res = await post(s.url, headers, body, agents, signal);
          const ms = elapsed(start);
          if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, ms, error: null };
          const text = oneLine(res.text, 200);
          const why = res.status >= 300 && res.status < 400 ? `the receiver redirected (${res.location ?? 'no location'}): use the final address` : `the receiver answered ${res.status}${text ? `: ${text}` : ''}`;
          return { ok: false, status: res.status, ms, error: why };
        } catch (err) {
          return { ok: false, status: null, ms: elapsed(start), error: plainError(err, signal) };
        }
      },
      async close() {
        agents.destroy();
      },
    };
  },
};

/** A POST through the destination's kept-alive agents; the answer's first 4 kB are read so the socket goes back to the pool. */
function post(url: string, headers: Record<string, string>, body: string, agents: Agents, signal: AbortSignal): Promise<{ status: number; text: string; location?: string }> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: u.protocol === 'https:' ? agents.https : agents.http, signal }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (text.length < 4096) text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, location: res.headers.location }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
