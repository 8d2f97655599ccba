/**
 * `npm run build:electron`: bundles the Electron main process (main/electron/main.ts →
 * out/main.cjs) and the window's preload (preload/index.ts → out/preload.cjs) with esbuild,
 * and copies the icons next to them. package.json's "main" is out/main.cjs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

/** Electron 45 runs Node 22 and Chromium 140. */
const NODE_TARGET = 'node22';
const CHROME_TARGET = 'chrome140';

/**
 * Loaded from node_modules at run time, not bundled: Electron itself, the native SQLite
 * binding (rebuilt for Electron at packaging), ws's optional native speed-ups, and
 * pino-pretty, which pino loads in a worker only for terminal output.
 */
export const MAIN_EXTERNALS = ['electron', 'bufferutil', 'utf-8-validate', 'pino-pretty'];

const ICONS = ['icon.png', 'tray.png', 'tray@2x.png'];

/**
 * The server finds files next to its sources through import.meta (the package version, the
 * console bundle), which a CommonJS bundle does not have. out/ sits one level below the app
 * root, as the sources' folders do below the repository, so each source file's own location
 * is rebuilt from the bundle's __dirname and the file's path relative to the root.
 */
function importMetaShim(root: string): esbuild.Plugin {
  return {
    name: 'fleetdesk-import-meta',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await fs.promises.readFile(args.path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        const rel = path.relative(root, args.path).split(path.sep).join('/');
        const arg = JSON.stringify(rel);
        // Helpers from MAIN_BANNER: the file may shadow `require` (createRequire), they do not.
        const contents = source
          .replaceAll('import.meta.dirname', `__fleetdeskSource.dir(${arg})`)
          .replaceAll('import.meta.filename', `__fleetdeskSource.file(${arg})`)
          .replaceAll('import.meta.url', `__fleetdeskSource.url(${arg})`);
        return { contents, loader: 'ts' };
      });
    },
  };
}

const MAIN_BANNER = `"use strict";
// FleetDesk desktop main process, bundled from main/electron/main.ts by main/electron/build.ts.
const __fleetdeskSource = (() => {
  const path = require("node:path");
  const file = (rel) => path.join(__dirname, "..", rel);
  return { file, dir: (rel) => path.dirname(file(rel)), url: (rel) => require("node:url").pathToFileURL(file(rel)).href };
})();`;

export interface BuildResult {
  main: esbuild.Metafile;
  preload: esbuild.Metafile;
  warnings: esbuild.Message[];
}

export async function buildElectron(root: string, outDir = path.join(root, 'out')): Promise<BuildResult> {
  fs.mkdirSync(outDir, { recursive: true });
  const common = { bundle: true, format: 'cjs', metafile: true, sourcemap: 'linked', logLevel: 'silent', absWorkingDir: root } as const;
  const [main, preload] = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: [path.join(root, 'main/electron/main.ts')],
      outfile: path.join(outDir, 'main.cjs'),
      platform: 'node',
      target: NODE_TARGET,
      external: MAIN_EXTERNALS,
      banner: { js: MAIN_BANNER },
      plugins: [importMetaShim(root)],
    }),
    // A sandboxed preload can require only 'electron' (and a few browser-safe modules).
    esbuild.build({
      ...common,
      entryPoints: [path.join(root, 'preload/index.ts')],
      outfile: path.join(outDir, 'preload.cjs'),
      platform: 'browser',
      target: CHROME_TARGET,
      external: ['electron'],
    }),
  ]);
  for (const icon of ICONS) fs.copyFileSync(path.join(root, 'resources', icon), path.join(outDir, icon));
  const warnings = [...main.warnings, ...preload.warnings];
  // import.meta in a dependency would silently be empty in the bundle: refuse to ship that.
  const broken = warnings.filter((w) => w.id === 'empty-import-meta');
  if (broken.length > 0) {
    const where = broken.map((w) => `${w.location?.file}:${w.location?.line}`).join(', ');
    throw new Error(`import.meta would be empty in out/main.cjs at ${where}`);
  }
  return { main: main.metafile, preload: preload.metafile, warnings };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(import.meta.dirname, '../..');
  buildElectron(root).then(
    ({ main, preload, warnings }) => {
      for (const w of warnings) console.warn(`warning: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ''}`);
      const size = (m: esbuild.Metafile) => Object.values(m.outputs).reduce((n, o) => n + o.bytes, 0);
      console.log(`out/main.cjs and out/preload.cjs built (${Math.round(size(main) / 1024)} KiB, ${Math.round(size(preload) / 1024)} KiB with source maps)`);
    },
    (err: unknown) => {
      console.error(`build:electron: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
