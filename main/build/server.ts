/**
 * `npm run build:server`: bundles the command line and headless server (main/cli/index.ts →
 * out/cli.cjs) for plain Node, the way the desktop app's main process is bundled. `npm run serve`
 * runs it: no TypeScript loader in the running server.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleNode, type BundleResult } from './node-bundle';

/**
 * Plain Node: package.json's engines (>= 20.19). better-sqlite3 stays in node_modules, whose
 * binding is built for this Node (the desktop bundle inlines it and loads Electron's by path).
 */
export const SERVER_TARGET = 'node20';

export function buildServer(root: string, outfile = path.join(root, 'out', 'cli.cjs')): Promise<BundleResult> {
  return bundleNode({ root, entry: path.join(root, 'main/cli/index.ts'), outfile, target: SERVER_TARGET, what: 'FleetDesk command line and headless server', externals: ['better-sqlite3'] });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildServer(path.resolve(import.meta.dirname, '../..')).then(
    ({ warnings }) => {
      for (const w of warnings) console.warn(`warning: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ''}`);
    },
    (err: unknown) => {
      console.error(`build:server: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
