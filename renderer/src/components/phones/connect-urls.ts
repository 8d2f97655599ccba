/**
 * The addresses and settings each phone app needs, built from the server's info, the chosen
 * LAN host and the driver's device key. Pure functions: the dialog shows what they return.
 */
import type { ServerInfo } from '../../../../shared/api/schemas';
import { ID_REGEX } from '../../../../shared/ids';
import { GPSLOGGER_URL_TEMPLATE } from '../../../../shared/protocol/gpslogger';

/** An IPv6 address needs brackets inside a URL. */
export const hostInUrl = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/** The hosts phones can use: the server's LAN addresses, or (loopback only) the page's own host. */
export function phoneHosts(info: ServerInfo, fallbackHost: string): { hosts: string[]; loopbackOnly: boolean } {
  const lan = Array.isArray(info.lan_hosts) ? info.lan_hosts.filter(Boolean) : [];
  return lan.length > 0 ? { hosts: lan, loopbackOnly: false } : { hosts: [fallbackHost], loopbackOnly: true };
}

/** The driver app's enrolment link: over HTTPS when the server has it (phones need it for GPS). */
export function enrolmentUrl(info: ServerInfo, host: string, path: string): { url: string; secure: boolean } {
  if (info.https_port) return { url: `https://${hostInUrl(host)}:${info.https_port}${path}`, secure: true };
  return { url: `http://${hostInUrl(host)}:${info.port}${path}`, secure: false };
}

/** Traccar Client's "Server URL": the OsmAnd port, or the /osmand path of the main port when that port is off. */
export function traccarServerUrl(info: ServerInfo, host: string): string {
  return info.osmand_port ? `http://${hostInUrl(host)}:${info.osmand_port}` : `http://${hostInUrl(host)}:${info.port}/osmand`;
}

export const ownTracksUrl = (info: ServerInfo, host: string): string => `http://${hostInUrl(host)}:${info.port}/owntracks`;

export function gpsLoggerUrl(info: ServerInfo, host: string, deviceKey: string): string {
  return GPSLOGGER_URL_TEMPLATE.replace('HOST', hostInUrl(host)).replace('PORT', String(info.port)).replace('DEVICE_KEY', encodeURIComponent(deviceKey));
}

/** OwnTracks' two-character tracker id: the initials of the driver's name, else its first letters. */
export function trackerId(name: string): string {
  const words = name.match(/[A-Za-z0-9]+/g) ?? [];
  const initials = words.length >= 2 ? words[0]![0]! + words[1]![0]! : (words[0] ?? 'FD').slice(0, 2);
  return initials.toUpperCase().padEnd(2, 'X');
}

export interface OwnTracksConfig {
  _type: 'configuration';
  mode: 3;
  url: string;
  auth: true;
  username: string;
  password: string;
  deviceId: string;
  tid: string;
}

export function ownTracksConfig(url: string, userId: string, deviceKey: string, tid: string): OwnTracksConfig {
  return { _type: 'configuration', mode: 3, url, auth: true, username: userId, password: deviceKey, deviceId: 'phone', tid };
}

/** UTF-8 safe base64 (btoa alone takes Latin-1 only). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** OwnTracks' remote configuration link: opening it on the phone imports the settings. */
export const ownTracksConfigLink = (config: OwnTracksConfig): string => `owntracks:///config?inline=${encodeURIComponent(base64Utf8(JSON.stringify(config)))}`;

/** An unknown device's identifier made into a valid user id (the id pattern of shared/ids.ts). */
export function idFromIdentifier(identifier: string): string {
  let id = identifier.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  id = id.replace(/[-.]+$/, '') || id;
  return ID_REGEX.test(id) ? id : 'phone';
}
