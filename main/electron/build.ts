/**
 * `npm run build:electron`: bundles the Electron main process (main/electron/main.ts →
 * out/main.cjs) and the window's preload (preload/index.ts → out/preload.cjs) with esbuild,
 * and copies the icons next to them. package.json's "main" is out/main.cjs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { bundleNode, NODE_EXTERNALS } from '../build/node-bundle';

/** Electron 45 runs Node 22 and Chromium 140. */
const NODE_TARGET = 'node22';
const CHROME_TARGET = 'chrome140';

/** What stays outside the main bundle (re-exported for the build test). */
export const MAIN_EXTERNALS = NODE_EXTERNALS;

const ICONS = ['icon.png', 'tray.png', 'tray@2x.png'];

export interface BuildResult {
  main: esbuild.Metafile;
  preload: esbuild.Metafile;
  warnings: esbuild.Message[];
}

export async function buildElectron(root: string, outDir = path.join(root, 'out')): Promise<BuildResult> {
  fs.mkdirSync(outDir, { recursive: true });
  const common = { bundle: true, format: 'cjs', metafile: true, sourcemap: 'linked', logLevel: 'silent', absWorkingDir: root } as const;
  const [main, preload] = await Promise.all([
    bundleNode({ root, entry: path.join(root, 'main/electron/main.ts'), outfile: path.join(outDir, 'main.cjs'), target: NODE_TARGET, what: 'FleetDesk desktop main process' }),
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
  return { main: main.metafile, preload: preload.metafile!, warnings };
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
