/**
 * `npm run check:packages`: builds FleetDesk's package for Linux, Windows and macOS here,
 * offline, with stand-in Electron folders (electron-builder's `electronDist`), inspects each
 * (package-contents.ts: files, size budget, fuses, asar integrity) and prints the figures.
 * test/unit/electron-packages.test.ts runs it in CI.
 *
 * What builds here: each platform's unpacked app (electron-builder's `dir` target: the exact
 * payload of the AppImage, deb, NSIS and dmg), and a tar.gz (Linux) and zip (Windows, macOS)
 * of it with 7zip-bin's 7za, for a compressed size. What cannot, and why: the installers
 * themselves need tools electron-builder downloads from GitHub at build time (AppImage: its
 * runtime and mksquashfs; deb: fpm, a Ruby program; NSIS: makensis and its plugins), and a
 * dmg needs macOS's hdiutil. Electron's own zips come from GitHub too, hence the stand-ins;
 * and better-sqlite3's Electron builds come from GitHub or need Electron's headers, so the
 * packages carry the Node build of the binding in its place (same file name and location).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { buildElectron } from '../main/electron/build';
import { stageApp } from './app-dir';
import { runBuilder, unpackedDirName } from './builder';
import { icnsFromPng, icoFromPng } from './icon-formats';
import { describe, packageProblems, readPackage, type PackageContents, type Platform } from './package-contents';
import { makeStandInElectron } from './stand-in-electron';

export const CHECKED: { platform: Platform; targets: string[] }[] = [
  { platform: 'linux', targets: ['dir', 'tar.gz'] },
  { platform: 'win32', targets: ['dir', 'zip'] },
  { platform: 'darwin', targets: ['dir', 'zip'] },
];

export const NOT_BUILDABLE_OFFLINE: Record<string, string> = {
  AppImage: 'electron-builder downloads the AppImage runtime and mksquashfs from GitHub',
  deb: 'electron-builder downloads fpm (with its own Ruby) from GitHub',
  nsis: 'electron-builder downloads makensis and the NSIS plugins from GitHub',
  dmg: 'a dmg is made with hdiutil, which only macOS has',
};

export interface CheckedPackage {
  contents: PackageContents;
  problems: string[];
  /** The archives built from it (tar.gz/zip) and their sizes. */
  archives: { file: string; bytes: number }[];
  seconds: number;
}

function electronVersion(root: string): string {
  return (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Builds and inspects every platform into `work` (a temporary folder by default). */
export async function checkPackages(root: string, work = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-packages-'))): Promise<CheckedPackage[]> {
  await buildElectron(root);
  const version = electronVersion(root);
  const require = createRequire(import.meta.url);
  // electron-builder would download 7za from GitHub; the 7zip-bin package ships it.
  const sevenZip = (require('7zip-bin') as { path7za: string }).path7za;
  fs.chmodSync(sevenZip, 0o755);
  const icon = fs.readFileSync(path.join(root, 'resources', 'icon.png'));
  fs.writeFileSync(path.join(work, 'icon.ico'), icoFromPng(icon));
  fs.writeFileSync(path.join(work, 'icon.icns'), icnsFromPng(icon));
  const binding = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const appDir = path.join(work, 'app');

  const previous = process.env.ELECTRON_BUILDER_7ZIP_PATH;
  process.env.ELECTRON_BUILDER_7ZIP_PATH = sevenZip;
  try {
    const results: CheckedPackage[] = [];
    for (const { platform, targets } of CHECKED) {
      const started = Date.now();
      stageApp(root, binding, appDir);
      const output = path.join(work, platform);
      const files = await runBuilder({
        root,
        platform,
        arch: 'x64',
        targets,
        overrides: {
          directories: { app: appDir, output },
          electronDist: makeStandInElectron(path.join(work, 'electron', platform), platform, version),
          electronVersion: version,
          win: { ...{ target: targets }, icon: path.join(work, 'icon.ico') },
          mac: { target: targets as never, icon: path.join(work, 'icon.icns'), category: 'public.app-category.business' },
        },
      });
      const contents = readPackage(platform, path.join(output, unpackedDirName(platform, 'x64')));
      results.push({
        contents,
        problems: packageProblems(contents),
        archives: files.filter((f) => /\.(zip|tar\.gz)$/.test(f)).map((file) => ({ file, bytes: fs.statSync(file).size })),
        seconds: (Date.now() - started) / 1000,
      });
    }
    return results;
  } finally {
    if (previous === undefined) delete process.env.ELECTRON_BUILDER_7ZIP_PATH;
    else process.env.ELECTRON_BUILDER_7ZIP_PATH = previous;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(import.meta.dirname, '..');
  checkPackages(root).then(
    (results) => {
      for (const r of results) {
        console.log(describe(r.contents));
        for (const a of r.archives) console.log(`  ${path.basename(a.file)}: ${(a.bytes / 1024 / 1024).toFixed(1)} MB (stand-in Electron inside)`);
        console.log(`  built and inspected in ${r.seconds.toFixed(1)} s${r.problems.length ? `; PROBLEMS: ${r.problems.join('; ')}` : ''}`);
      }
      for (const [target, why] of Object.entries(NOT_BUILDABLE_OFFLINE)) console.log(`not built here: ${target}: ${why}`);
      console.log(JSON.stringify(results.map((r) => ({ platform: r.contents.platform, appBytes: r.contents.appBytes, asarFiles: r.contents.asarFiles.length, archives: r.archives.map((a) => ({ file: path.basename(a.file), bytes: a.bytes })), seconds: r.seconds }))));
      if (results.some((r) => r.problems.length > 0)) process.exitCode = 1;
    },
    (err: unknown) => {
      console.error(`check:packages: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
