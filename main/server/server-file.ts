/**
 * `server.json` in the data folder: where the running server can be reached, so the CLI
 * (`login-link`) can print URLs with the right port. Written at start, removed at a clean
 * stop; a file left behind by a crash is recognised by its dead pid and ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_PORT } from './config';

export const SERVER_FILE = 'server.json';
/** The base URL used when no server is running on the data folder. */
export const FALLBACK_BASE_URL = `http://localhost:${DEFAULT_PORT}`;

export interface ServerFile {
  /** the URL a browser on this machine opens: http://localhost:PORT when listening on every interface */
  url: string;
  port: number;
  host: string;
  pid: number;
  started_at: string;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** The URL a browser on this machine reaches a server listening on `host:port` at. */
export function localUrl(host: string, port: number): string {
  if (WILDCARD_HOSTS.has(host)) return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function serverFileInfo(host: string, port: number, now: number): ServerFile {
  return { url: localUrl(host, port), port, host, pid: process.pid, started_at: new Date(now).toISOString() };
}

/** Written to a temporary name then renamed, so a reader never sees half a file. */
export function writeServerFile(dataDir: string, info: ServerFile): void {
  const target = path.join(dataDir, SERVER_FILE);
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, target);
}

/** Removes the file only while it still describes this server (another one may have replaced it). */
export function removeServerFile(dataDir: string, info: ServerFile): void {
  const current = readServerFile(dataDir);
  if (current && current.pid === info.pid && current.port === info.port) fs.rmSync(path.join(dataDir, SERVER_FILE), { force: true });
}

export function readServerFile(dataDir: string): ServerFile | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_FILE), 'utf8'));
  } catch {
    return null;
  }
  const f = parsed as Partial<ServerFile> | null;
  if (!f || typeof f.url !== 'string' || typeof f.port !== 'number' || typeof f.pid !== 'number' || typeof f.host !== 'string') return null;
  return f as ServerFile;
}

/** Whether a process with this id exists (another user's counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** server.json when the process that wrote it still runs (a crash leaves a dead pid behind). */
export function liveServerFile(dataDir: string): ServerFile | null {
  const f = readServerFile(dataDir);
  return f && processAlive(f.pid) ? f : null;
}

/** The base URL of the server running on `dataDir`, or the default address when none is. */
export function runningServerUrl(dataDir: string): string {
  return liveServerFile(dataDir)?.url ?? FALLBACK_BASE_URL;
}

/**
 * How a program on this machine reaches the server of `info`: 127.0.0.1 when it listens on
 * every interface, so the desktop window keeps one origin (and its stored preferences) whoever
 * started the server.
 */
export function loopbackUrl(info: Pick<ServerFile, 'host' | 'port'>): string {
  return WILDCARD_HOSTS.has(info.host) ? `http://127.0.0.1:${info.port}` : localUrl(info.host, info.port);
}
