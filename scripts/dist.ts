/**
 * `npm run dist [-- --linux --win --mac --x64 --arm64]`: FleetDesk's installers, by default
 * for this machine's system and architecture, into dist/packages. For each platform and
 * architecture: better-sqlite3's Electron binding for it (electron-native.ts; another system's
 * must be downloadable), the app directory (app-dir.ts), electron-builder with publishing off,
 * then the package is inspected and the build fails when it is over the size budget or holds
 * what it should not (package-contents.ts). Beside the installers it writes the update feed
 * files electron-updater reads (update-feed.ts). node_modules is never rebuilt or changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stageApp } from './app-dir';
import { configuredTargets, loadBuilderConfig, runBuilder, unpackedDirName } from './builder';
import { electronBinding, hostTarget, NativeBindingError } from './electron-native';
import { describe, packageProblems, readPackage, type Platform } from './package-contents';
import { writeUpdateFeed } from './update-feed';

const PLATFORM_FLAGS: Record<string, Platform> = { '--linux': 'linux', '--win': 'win32', '--mac': 'darwin' };
const ARCH_FLAGS = ['--x64', '--arm64', '--ia32', '--armv7l'];

export interface DistRequest {
  platforms: Platform[];
  archs: string[];
}

/** Reads the command line; anything unknown is an error that names it. */
export function parseDistArgs(argv: string[]): DistRequest {
  const platforms: Platform[] = [];
  const archs: string[] = [];
  for (const arg of argv) {
    if (PLATFORM_FLAGS[arg]) platforms.push(PLATFORM_FLAGS[arg]);
    else if (ARCH_FLAGS.includes(arg)) archs.push(arg.slice(2));
    else throw new Error(`unknown option "${arg}": use --linux, --win, --mac and --x64, --arm64, --ia32, --armv7l`);
  }
  const host = process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';
  return { platforms: platforms.length > 0 ? platforms : [host], archs: archs.length > 0 ? archs : [process.arch] };
}

export async function dist(root: string, request: DistRequest, log: (line: string) => void): Promise<void> {
  const { electronVersion, abi } = hostTarget(root);
  const config = loadBuilderConfig(root);
  for (const platform of request.platforms) {
    for (const arch of request.archs) {
      const { file: binding } = await electronBinding(root, { electronVersion, abi, platform, arch });
      stageApp(root, binding);
      const targets = configuredTargets(config, platform);
      const files = await runBuilder({ root, platform, arch, targets });
      const output = path.join(root, config.directories?.output ?? 'dist');
      const contents = readPackage(platform, path.join(output, unpackedDirName(platform, arch)));
      log(describe(contents));
      const problems = packageProblems(contents);
      if (problems.length > 0) throw new Error(`the ${platform}-${arch} package is not fit to ship: ${problems.join('; ')}`);
      for (const f of files) log(`  ${path.relative(root, f)} (${(fs.statSync(f).size / 1024 / 1024).toFixed(1)} MB)`);
      const version = String((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version);
      const feed = writeUpdateFeed(output, platform, arch, version, files);
      if (feed) log(`  ${path.relative(root, feed)}: the update feed file; copy it with the installers to your update folder`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(import.meta.dirname, '..');
  Promise.resolve()
    .then(() => dist(root, parseDistArgs(process.argv.slice(2)), (line) => console.log(line)))
    .catch((err: unknown) => {
      console.error(`npm run dist: ${err instanceof NativeBindingError || err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    });
}
