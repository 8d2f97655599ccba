/**
 * `desktop.json` in the data folder: what the desktop app keeps between launches and what the
 * user sets by hand. Both keys are optional:
 *
 *   { "ports": { "port": 49231, "httpsPort": 8766, "osmandPort": 5055 },
 *     "updates": { "feed": "https://updates.example.com/fleetdesk/" } }
 *
 * `ports` is written by the app when a port was taken and it moved, so phones set up with the
 * new port keep reaching it; `updates.feed` turns automatic updates on (off when absent). A
 * file that cannot be read or has wrong values is never fatal: each problem is reported in
 * plain words and that setting falls back to its default.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DESKTOP_SETTINGS_FILE = 'desktop.json';

export interface RememberedPorts {
  port: number;
  /** null: off */
  httpsPort: number | null;
  osmandPort: number | null;
}

export interface DesktopSettings {
  ports?: RememberedPorts;
  updates?: { feed: string };
}

export interface LoadedSettings {
  settings: DesktopSettings;
  /** Plain-language problems found in the file; the settings concerned were ignored. */
  problems: string[];
}

const isPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;

/** The feed must be https: an update is a program this machine will run. */
export function checkFeedUrl(value: unknown): { feed: string } | { problem: string } {
  if (typeof value !== 'string' || value.trim() === '') return { problem: 'updates.feed must be the https:// address of your update folder' };
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { problem: `updates.feed "${value}" is not a web address` };
  }
  if (url.protocol !== 'https:') return { problem: `updates.feed must start with https:// (updates are programs this computer will run), not "${url.protocol}//"` };
  if (url.username || url.password) return { problem: 'updates.feed must not contain a user name or password' };
  return { feed: url.href.endsWith('/') ? url.href : `${url.href}/` };
}

function checkPorts(value: unknown): { ports: RememberedPorts } | { problem: string } {
  const p = value as Partial<Record<keyof RememberedPorts, unknown>> | null;
  const bad = 'ports must look like {"port": 8765, "httpsPort": 8766, "osmandPort": 5055}, each a number from 1 to 65535 (or null for the last two: off)';
  if (typeof p !== 'object' || p === null || !isPort(p.port)) return { problem: bad };
  const optional = (v: unknown) => v === null || isPort(v);
  if (!optional(p.httpsPort ?? null) || !optional(p.osmandPort ?? null)) return { problem: bad };
  return { ports: { port: p.port, httpsPort: (p.httpsPort as number | null | undefined) ?? null, osmandPort: (p.osmandPort as number | null | undefined) ?? null } };
}

export function loadDesktopSettings(dataDir: string): LoadedSettings {
  const file = path.join(dataDir, DESKTOP_SETTINGS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { settings: {}, problems: [] };
    return { settings: {}, problems: [`${file} could not be read (${(err as Error).message}); its settings are ignored`] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { settings: {}, problems: [`${file} is not valid JSON (${(err as Error).message}); its settings are ignored`] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { settings: {}, problems: [`${file} must hold a JSON object; its settings are ignored`] };
  const o = raw as Record<string, unknown>;
  const settings: DesktopSettings = {};
  const problems: string[] = [];
  if (o.ports !== undefined) {
    const r = checkPorts(o.ports);
    if ('ports' in r) settings.ports = r.ports;
    else problems.push(`${file}: ${r.problem}; the usual ports are used`);
  }
  if (o.updates !== undefined) {
    const feed = typeof o.updates === 'object' && o.updates !== null ? (o.updates as Record<string, unknown>).feed : undefined;
    const r = checkFeedUrl(feed);
    if ('feed' in r) settings.updates = r;
    else problems.push(`${file}: ${r.problem}; automatic updates stay off`);
  }
  return { settings, problems };
}

/** Rewrites one key, keeping whatever else the file holds (the user's own keys included). */
export function saveDesktopSetting<K extends keyof DesktopSettings>(dataDir: string, key: K, value: DesktopSettings[K]): void {
  const file = path.join(dataDir, DESKTOP_SETTINGS_FILE);
  let current: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) current = parsed as Record<string, unknown>;
  } catch {
    /* missing or broken: replaced by a valid file */
  }
  current[key] = value;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(current, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
