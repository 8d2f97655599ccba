/**
 * One esbuild recipe for every FleetDesk program that runs as plain JavaScript: the Electron
 * main process (out/main.cjs), the headless server (out/cli.cjs: `npm run serve`) and the
 * benchmarks' server children. One CommonJS file with every JavaScript dependency inlined, so
 * the program starts without a TypeScript loader: tsx costs a loader thread (~40 MB of RSS),
 * keeps source maps in memory and names every closure it creates (`keepNames`), which turns
 * each per-message callback into a dictionary-mode function.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { COMPANION_WORKERS, companionWorkerFile, companionWorkerNames } from '../server/companion-workers';

/**
 * Loaded from node_modules at run time, not bundled: Electron itself, ws's optional native
 * speed-ups, and pino-pretty, which pino loads in a worker only for terminal output. (The native
 * SQLite binding is loaded by path: store/database.ts.)
 */
export const NODE_EXTERNALS = ['electron', 'bufferutil', 'utf-8-validate', 'pino-pretty'];

export interface NodeBundle {
  /** the repository (or app) root: the sources' paths are kept relative to it */
  root: string;
  entry: string;
  outfile: string;
  /** esbuild's target, e.g. node20 (plain Node) or node22 (Electron 45) */
  target: string;
  /** a line for the bundle's head: what it is */
  what: string;
  /** more packages to load from node_modules at run time */
  externals?: string[];
}

/**
 * The server finds files next to its sources through import.meta (the package version, the
 * console bundle), which a CommonJS bundle does not have. Each source file's own location is
 * rebuilt from the bundle's __dirname, the way back to the root, and the file's path relative
 * to the root (so the bundle works wherever the root is, as long as it stays in its place there).
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
        // Helpers from the banner: the file may shadow `require` (createRequire), they do not.
        const contents = source
          .replaceAll('import.meta.dirname', `__fleetdeskSource.dir(${arg})`)
          .replaceAll('import.meta.filename', `__fleetdeskSource.file(${arg})`)
          .replaceAll('import.meta.url', `__fleetdeskSource.url(${arg})`);
        return { contents, loader: 'ts' };
      });
    },
  };
}

function banner(b: NodeBundle): string {
  const up = path.relative(path.dirname(b.outfile), b.root).split(path.sep).join('/') || '.';
  const from = path.relative(b.root, b.entry).split(path.sep).join('/');
  return `"use strict";
// ${b.what}, bundled from ${from} by main/build/node-bundle.ts.
const __fleetdeskSource = (() => {
  const path = require("node:path");
  const file = (rel) => path.join(__dirname, ${JSON.stringify(up)}, rel);
  return { file, dir: (rel) => path.dirname(file(rel)), url: (rel) => require("node:url").pathToFileURL(file(rel)).href };
})();`;
}

export interface BundleResult {
  metafile: esbuild.Metafile;
  warnings: esbuild.Message[];
}

/** ASCII stand-ins, one UTF-16 unit each so the source map's columns stay right */
const STAND_INS: Record<string, string> = { '–': '-', '—': '-', '…': '.', '→': '>', '←': '<', '≤': '<', '≥': '>', '≈': '~', '·': '.' };

/**
 * V8 holds a script's source as one string for the life of the process, at one byte per
 * character only when every character fits in Latin-1: a single em dash in a comment doubles
 * it (the server's bundle: 14.6 MB of heap instead of 7.3). esbuild already escapes every
 * non-ASCII character in strings, templates and regular expressions, so what remains is in
 * comments, where a stand-in changes nothing.
 */
export function latin1Source(code: string): string {
  return code.replace(/[\u0100-\u{10ffff}]/gu, (c) => STAND_INS[c] ?? (c.length === 1 ? '?' : '??'));
}

function keepLatin1(file: string): void {
  const code = fs.readFileSync(file, 'utf8');
  const narrowed = latin1Source(code);
  if (narrowed !== code) fs.writeFileSync(file, narrowed);
}

/** Threads a bundled server starts (each bundled beside it, named by companionWorkerFile). */
const WORKER_NAMES = companionWorkerNames();

function buildOne(b: NodeBundle, entry: string, outfile: string): Promise<esbuild.BuildResult<{ metafile: true }>> {
  return esbuild.build({
    bundle: true,
    format: 'cjs',
    metafile: true,
    sourcemap: 'linked',
    logLevel: 'silent',
    absWorkingDir: b.root,
    entryPoints: [entry],
    outfile,
    platform: 'node',
    target: b.target,
    external: [...NODE_EXTERNALS, ...(b.externals ?? [])],
    banner: { js: banner({ ...b, entry, outfile }) },
    plugins: [importMetaShim(b.root)],
    // companion-workers.ts starts each worker from the bundle beside it, not from the sources
    define: { FLEETDESK_BUNDLED: 'true' },
  });
}

/** Bundles `b.entry` into `b.outfile`, and every companion worker beside it. */
export async function bundleNode(b: NodeBundle): Promise<BundleResult> {
  fs.mkdirSync(path.dirname(b.outfile), { recursive: true });
  const [result, ...workers] = await Promise.all([
    buildOne(b, b.entry, b.outfile),
    ...WORKER_NAMES.map((w) => buildOne(b, path.join(b.root, 'main/server', COMPANION_WORKERS[w]), companionWorkerFile(b.outfile, w))),
  ]);
  const warnings = [result, ...workers].flatMap((r) => r!.warnings);
  // import.meta in a dependency would silently be empty in the bundle: refuse to ship that.
  const broken = warnings.filter((w) => w.id === 'empty-import-meta');
  if (broken.length > 0) {
    const where = broken.map((w) => `${w.location?.file}:${w.location?.line}`).join(', ');
    throw new Error(`import.meta would be empty in ${path.basename(b.outfile)} at ${where}`);
  }
  for (const file of [b.outfile, ...WORKER_NAMES.map((w) => companionWorkerFile(b.outfile, w))]) keepLatin1(file);
  return { metafile: result!.metafile, warnings };
}
