import type { AddressInfo } from 'node:net';
import { API_PREFIX, ServerInfo } from '../../../../shared/api/schemas';
import type { ServerContext } from '../../context';
import { lanAddresses } from '../../lan-addresses';
import type { App } from '../app-type';
import { OFFICE_ROLES, authorize, bearer } from '../authn';
import { errors } from './helpers';

const WILDCARD = new Set(['0.0.0.0', '::', '']);
const LOOPBACK = /^(127\.|::1$|localhost$)/;

/**
 * The addresses phones on the local network can reach a server listening on `host` at:
 * every LAN address for a wildcard host, none for loopback, else the host itself.
 */
export function lanUrls(host: string, port: number, addresses: string[] = lanAddresses()): string[] {
  if (WILDCARD.has(host)) return addresses.map((a) => `http://${a}:${port}`);
  if (LOOPBACK.test(host)) return [];
  return [`http://${host.includes(':') ? `[${host}]` : host}:${port}`];
}

export function serverInfoRoutes(app: App, ctx: ServerContext): void {
  app.get(
    `${API_PREFIX}/server/info`,
    {
      schema: {
        summary: 'Version, port and the LAN addresses phones can reach this server at',
        tags: ['server'],
        security: bearer,
        response: { 200: ServerInfo, ...errors(401, 403) },
      },
      onRequest: authorize(ctx, ...OFFICE_ROLES),
    },
    () => {
      const port = (app.server.address() as AddressInfo).port;
      const l = ctx.listening;
      return {
        version: ctx.version,
        port,
        lan_urls: lanUrls(ctx.config.host, port),
        https_port: l.httpsPort,
        osmand_port: l.osmandPort,
        lan_hosts: lanUrls(ctx.config.host, port).map((u) => new URL(u).hostname.replace(/^\[|\]$/g, '')),
        tls_fingerprint: l.tlsFingerprint,
        tls_self_signed: l.tlsSelfSigned,
      };
    },
  );
}
