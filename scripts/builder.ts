/**
 * electron-builder run the way FleetDesk packages: electron-builder.yml, one platform and
 * architecture per run (each has its own better-sqlite3 binding in the app directory), and
 * never publishing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Arch, build, Platform as BuilderPlatform, type Configuration } from 'electron-builder';
import yaml from 'js-yaml';
import type { Platform } from './package-contents';

export function loadBuilderConfig(root: string): Configuration {
  return yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Configuration;
}

/** The targets electron-builder.yml lists for a platform. */
export function configuredTargets(config: Configuration, platform: Platform): string[] {
  const section = platform === 'linux' ? config.linux : platform === 'win32' ? config.win : config.mac;
  const target = section?.target;
  const list = Array.isArray(target) ? target : target ? [target] : [];
  return list.map((t) => (typeof t === 'string' ? t : t.target));
}

/** electron-builder's name for the folder it unpacks each platform's app into. */
export function unpackedDirName(platform: Platform, arch: string): string {
  const suffix = arch === 'x64' ? '' : `-${arch}`;
  if (platform === 'darwin') return arch === 'x64' ? 'mac' : `mac-${arch}`;
  return `${platform === 'win32' ? 'win' : 'linux'}${suffix}-unpacked`;
}

export interface BuildRun {
  root: string;
  platform: Platform;
  arch: string;
  targets: string[];
  /** Changes to electron-builder.yml for this run (the app and output folders, electronDist, …). */
  overrides?: Configuration;
}

/** Runs electron-builder; resolves with the files it produced. */
export async function runBuilder(run: BuildRun): Promise<string[]> {
  const base = loadBuilderConfig(run.root);
  const config: Configuration = { ...base, ...run.overrides, directories: { ...base.directories, ...run.overrides?.directories } };
  const platform = run.platform === 'linux' ? BuilderPlatform.LINUX : run.platform === 'win32' ? BuilderPlatform.WINDOWS : BuilderPlatform.MAC;
  const arch = Arch[run.arch as keyof typeof Arch];
  if (arch === undefined) throw new Error(`unknown architecture "${run.arch}" (x64, arm64, ia32, armv7l)`);
  return build({ projectDir: run.root, config, targets: platform.createTarget(run.targets, arch), publish: 'never' });
}
