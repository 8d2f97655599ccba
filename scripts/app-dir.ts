/**
 * The app directory electron-builder packs (its "two package.json" layout): a folder of its
 * own, dist/app, with a package.json that lists no dependencies, the bundles, the console and
 * better-sqlite3's binding for the target. The main bundle inlines every JavaScript dependency
 * (main/electron/build.ts), so no node_modules goes in, nothing in it is rebuilt, and the
 * repository's node_modules is never touched by packaging.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BINDING_FILE } from './electron-native';
import { companionWorkerFile, companionWorkerNames } from '../main/server/companion-workers';

export const APP_DIR = path.join('dist', 'app');

/** The build outputs that go in, relative to the repository (and to the app directory). */
const OUT_FILES = ['main.cjs', ...companionWorkerNames().map((w) => path.basename(companionWorkerFile('main.cjs', w))), 'preload.cjs', 'icon.png', 'tray.png', 'tray@2x.png'];
const RENDERER = path.join('renderer', 'dist');
/** What the packaged app's package.json keeps of the repository's. */
const PACKAGE_KEYS = ['name', 'productName', 'version', 'description', 'author', 'homepage', 'license', 'main'] as const;

export interface StagedApp {
  dir: string;
  /** Every file in it, relative, with its size. */
  files: { path: string; bytes: number }[];
}

function listFiles(dir: string, base = dir): { path: string; bytes: number }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listFiles(full, base);
    return [{ path: path.relative(base, full).split(path.sep).join('/'), bytes: fs.statSync(full).size }];
  });
}

/**
 * Fills `appDir` (emptied first) for one target: `binding` is better-sqlite3's `.node` file
 * for that target's Electron, platform and architecture.
 */
export function stageApp(root: string, binding: string, appDir = path.join(root, APP_DIR)): StagedApp {
  const missing = [...OUT_FILES.map((f) => path.join('out', f)), path.join(RENDERER, 'index.html')].filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length > 0) throw new Error(`the build is incomplete (${missing.join(', ')} missing): run \`npm run build\` first`);
  if (!fs.existsSync(binding)) throw new Error(`better-sqlite3's binding ${binding} does not exist`);

  fs.rmSync(appDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(appDir, 'out', 'native'), { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const appPkg: Record<string, unknown> = {};
  for (const key of PACKAGE_KEYS) if (pkg[key] !== undefined) appPkg[key] = pkg[key];
  appPkg.private = true;
  fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(appPkg, null, 2) + '\n');
  for (const f of OUT_FILES) fs.copyFileSync(path.join(root, 'out', f), path.join(appDir, 'out', f));
  fs.copyFileSync(binding, path.join(appDir, 'out', 'native', BINDING_FILE));
  fs.cpSync(path.join(root, RENDERER), path.join(appDir, RENDERER), { recursive: true, filter: (src) => !src.endsWith('.map') });
  return { dir: appDir, files: listFiles(appDir) };
}
