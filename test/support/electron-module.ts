/**
 * A stand-in for the `electron` module as third-party code requires it lazily (electron-updater
 * calls require("electron").net.request and session.fromPartition when it downloads). Only
 * for tests in their own process: it replaces node_modules/electron in require's cache.
 * net.request is Node's http(s).request, trusting `ca` as the system would a real certificate.
 */
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import Module from 'node:module';

export function installElectronModule(opts: { ca?: string | Buffer } = {}): { requests: string[] } {
  const requests: string[] = [];
  const net = {
    request(options: https.RequestOptions & { session?: unknown; redirect?: string }) {
      const { session: _session, redirect: _redirect, ...rest } = options;
      requests.push(`${rest.method ?? 'GET'} ${rest.protocol}//${rest.hostname}:${rest.port}${rest.path}`);
      const request = rest.protocol === 'https:' ? https.request({ ...rest, ca: opts.ca }) : http.request(rest);
      return Object.assign(request, { followRedirect: () => undefined });
    },
  };
  const electron = { net, session: { fromPartition: () => ({}) } };
  const require = createRequire(import.meta.url);
  const id = require.resolve('electron');
  const mod = new Module(id);
  mod.filename = id;
  mod.loaded = true;
  mod.exports = electron;
  require.cache[id] = mod;
  return { requests };
}
