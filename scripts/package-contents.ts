/**
 * What a built desktop package holds, read from electron-builder's unpacked output
 * (linux-unpacked, win-unpacked, mac/FleetDesk.app): the files in app.asar and beside it, the
 * app's size without Electron, the fuses of the Electron binary and where the asar integrity
 * hash was written. `npm run dist` and the offline packaging check both use it, and fail a
 * package that is over the size budget or carries what it should not.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as asar from '@electron/asar';
import { readFuses } from './stand-in-electron';
import { companionWorkerFile, companionWorkerNames } from '../main/server/companion-workers';

/** The app besides Electron itself (app.asar and what is unpacked beside it). */
export const APP_BUDGET_BYTES = 25 * 1024 * 1024;

/** electronFuses in electron-builder.yml, in @electron/fuses' wire order ('0' off, '1' on). */
export const EXPECTED_FUSES = [
  ['runAsNode', '0'],
  ['enableCookieEncryption', '0'],
  ['enableNodeOptionsEnvironmentVariable', '0'],
  ['enableNodeCliInspectArguments', '0'],
  ['enableEmbeddedAsarIntegrityValidation', '1'],
  ['onlyLoadAppFromAsar', '1'],
  ['loadBrowserProcessSpecificV8Snapshot', '0'],
  ['grantFileProtocolExtraPrivileges', '0'],
] as const;

export type Platform = 'linux' | 'win32' | 'darwin';

export interface PackageContents {
  platform: Platform;
  /** The unpacked app folder electron-builder wrote. */
  dir: string;
  /** Files inside app.asar (unpacked ones excluded). */
  asarFiles: string[];
  /** Files in app.asar.unpacked. */
  unpackedFiles: string[];
  asarBytes: number;
  unpackedBytes: number;
  /** app.asar + app.asar.unpacked: the budget's measure. */
  appBytes: number;
  /** The Electron binary's fuse states, one character per fuse. */
  fuses: string;
  /** Where the archive's integrity hash was recorded for Electron to check at start. */
  integrity: 'exe resource' | 'Info.plist' | 'none';
  /** The package.json inside app.asar. */
  appPackage: Record<string, unknown>;
}

/** Where electron-builder puts resources/ and the Electron binary for each platform. */
export function unpackedLayout(platform: Platform, dir: string, productName: string, executableName: string) {
  if (platform === 'darwin') {
    const contents = path.join(dir, `${productName}.app`, 'Contents');
    return { resources: path.join(contents, 'Resources'), fuseFile: path.join(contents, 'Frameworks', 'Electron Framework.framework', 'Electron Framework'), plist: path.join(contents, 'Info.plist') };
  }
  if (platform === 'win32') return { resources: path.join(dir, 'resources'), fuseFile: path.join(dir, `${productName}.exe`), plist: null };
  return { resources: path.join(dir, 'resources'), fuseFile: path.join(dir, executableName), plist: null };
}

function walk(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name)).split(path.sep).join('/')]));
}

function sizeOf(dir: string): number {
  return walk(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

export function readPackage(platform: Platform, dir: string, productName = 'FleetDesk', executableName = 'fleetdesk'): PackageContents {
  const layout = unpackedLayout(platform, dir, productName, executableName);
  const archive = path.join(layout.resources, 'app.asar');
  if (!fs.existsSync(archive)) throw new Error(`${archive} does not exist: the package was not built`);
  const unpackedDir = `${archive}.unpacked`;
  const unpackedFiles = walk(unpackedDir);
  const unpacked = new Set(unpackedFiles.map((f) => `/${f}`));
  const asarFiles = asar
    .listPackage(archive, { isPack: false })
    .map((p) => p.split(path.sep).join('/'))
    .filter((p) => !unpacked.has(p) && 'size' in (asar.statFile(archive, p.slice(1)) as object))
    .map((p) => p.slice(1));
  const asarBytes = fs.statSync(archive).size;
  const unpackedBytes = sizeOf(unpackedDir);
  let integrity: PackageContents['integrity'] = 'none';
  const binary = fs.readFileSync(layout.fuseFile);
  if (platform === 'win32' && binary.includes(Buffer.from('ELECTRONASAR', 'utf16le'))) integrity = 'exe resource';
  if (layout.plist && fs.readFileSync(layout.plist, 'utf8').includes('<key>ElectronAsarIntegrity</key>')) integrity = 'Info.plist';
  return {
    platform,
    dir,
    asarFiles: asarFiles.sort(),
    unpackedFiles: unpackedFiles.sort(),
    asarBytes,
    unpackedBytes,
    appBytes: asarBytes + unpackedBytes,
    fuses: readFuses(layout.fuseFile),
    integrity,
    appPackage: JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as Record<string, unknown>,
  };
}

/** What is wrong with a package, in plain words; empty when it is as FleetDesk ships it. */
export function packageProblems(p: PackageContents, budget = APP_BUDGET_BYTES): string[] {
  const problems: string[] = [];
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (p.appBytes > budget) problems.push(`the app takes ${mb(p.appBytes)} besides Electron, over the ${mb(budget)} budget`);
  for (const must of ['package.json', 'out/main.cjs', ...companionWorkerNames().map((w) => companionWorkerFile('out/main.cjs', w)), 'out/preload.cjs', 'renderer/dist/index.html']) if (!p.asarFiles.includes(must)) problems.push(`${must} is missing from app.asar`);
  const stray = p.asarFiles.filter((f) => f.startsWith('node_modules/') || f.includes('/node_modules/') || f.endsWith('.map') || f.endsWith('.node'));
  if (stray.length > 0) problems.push(`app.asar carries what the app never loads: ${stray.slice(0, 5).join(', ')}${stray.length > 5 ? ` and ${stray.length - 5} more` : ''}`);
  if (p.unpackedFiles.join() !== 'out/native/better_sqlite3.node') problems.push(`only better-sqlite3's binding belongs outside the archive, found: ${p.unpackedFiles.join(', ') || 'nothing'}`);
  if ('dependencies' in p.appPackage) problems.push('the packaged package.json lists dependencies');
  const wanted = EXPECTED_FUSES.map(([, v]) => v).join('');
  if (!p.fuses.startsWith(wanted)) {
    const wrong = EXPECTED_FUSES.filter(([, v], i) => p.fuses[i] !== v).map(([name]) => name);
    problems.push(`Electron's fuses are not as configured: ${wrong.join(', ')}`);
  }
  // Electron checks the archive's hash on macOS and Windows only.
  if (p.platform !== 'linux' && p.integrity === 'none') problems.push('the asar integrity hash was not recorded, so Electron would refuse to start with the integrity fuse on');
  return problems;
}

export function describe(p: PackageContents): string {
  const kb = (n: number) => `${Math.round(n / 1024)} KiB`;
  return `${p.platform}: app ${kb(p.appBytes)} (app.asar ${kb(p.asarBytes)}, ${p.asarFiles.length} files; unpacked ${kb(p.unpackedBytes)}: ${p.unpackedFiles.join(', ')}), fuses ${p.fuses}, integrity ${p.integrity}`;
}
