/**
 * The files electron-updater's generic provider reads from an update feed: latest.yml
 * (Windows), latest-mac.yml, latest-linux.yml (latest-linux-arm64.yml, …), each naming the
 * installers of one version with their size and SHA-512. electron-builder only writes them
 * when a publish provider is configured, and FleetDesk configures none (publish: null), so
 * `npm run dist` writes them itself next to the installers. To publish a release, copy the
 * installers and these files to the HTTPS folder your users' desktop.json names.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { Platform } from './package-contents';

/** The installer kinds electron-updater can install, per platform, in its order of preference. */
const UPDATABLE: Record<Platform, string[]> = { linux: ['.AppImage', '.deb'], win32: ['.exe'], darwin: ['.zip', '.dmg'] };

/** The feed file electron-updater asks for on that platform and architecture. */
export function channelFile(platform: Platform, arch: string): string {
  if (platform === 'win32') return 'latest.yml';
  if (platform === 'darwin') return 'latest-mac.yml';
  return `latest-linux${arch === 'x64' ? '' : `-${arch}`}.yml`;
}

export function sha512(file: string): string {
  return crypto.createHash('sha512').update(fs.readFileSync(file)).digest('base64');
}

/** The feed file's text for `installers` of `version`. */
export function updateInfo(version: string, installers: string[], releaseDate: Date): string {
  if (installers.length === 0) throw new Error('no installer to put in the update feed');
  const files = installers.map((f) => ({ url: path.basename(f), sha512: sha512(f), size: fs.statSync(f).size }));
  const first = files[0]!;
  return yaml.dump({ version, files, path: first.url, sha512: first.sha512, releaseDate: releaseDate.toISOString() }, { lineWidth: -1 });
}

/** Writes the feed file for the installers among `artifacts`; returns its path, or null when none can update. */
export function writeUpdateFeed(outputDir: string, platform: Platform, arch: string, version: string, artifacts: string[], now = new Date()): string | null {
  const order = UPDATABLE[platform];
  const installers = artifacts.filter((f) => order.some((ext) => f.endsWith(ext))).sort((a, b) => order.findIndex((e) => a.endsWith(e)) - order.findIndex((e) => b.endsWith(e)));
  if (installers.length === 0) return null;
  const file = path.join(outputDir, channelFile(platform, arch));
  fs.writeFileSync(file, updateInfo(version, installers, now));
  return file;
}
