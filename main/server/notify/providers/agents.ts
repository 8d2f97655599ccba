/**
 * The keep-alive agents an SDK-based provider (SNS, Event Grid) sends through: one pair per
 * connected destination, so its connections are reused between sends and let go on close().
 *
 * The HTTPS agent trusts the extra CAs of `env.ca` besides the system's. Node replaces its whole
 * trust store once `ca` is given, so the bundled roots are listed again; with no extra CAs the
 * option is left out and Node's defaults (NODE_EXTRA_CA_CERTS, --use-openssl-ca) stay in force.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { ProviderEnv } from '../provider';

export interface Agents {
  http: http.Agent;
  https: https.Agent;
  destroy(): void;
}

export function keepAliveAgents(env: ProviderEnv): Agents {
  const ca = env.ca.length ? { ca: [...tls.rootCertificates, ...env.ca] } : {};
  const a = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true, ...ca }) };
  return {
    ...a,
    destroy() {
      a.http.destroy();
      a.https.destroy();
    },
  };
}

/** The first line of a receiver's message, without markup, bounded for the delivery log. */
export function oneLine(text: string | undefined, max = 300): string {
  if (!text || /^\s*</.test(text)) return '';
  return text.replace(/\s+/g, ' ').trim().slice(0, max);
}
