/**
 * The threads a server starts beside its event loop, and where each one's code is: from the
 * sources (tests, `npm run demo`) the TypeScript file through tsx; in a bundle (the desktop app,
 * `npm run serve`, the benchmarks' children) `<bundle>.<name>.cjs` beside it, built with it by
 * main/build/node-bundle.ts.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Set by the esbuild recipe (main/build/node-bundle.ts) in a bundle; absent under tsx. */
declare const FLEETDESK_BUNDLED: boolean | undefined;

/** Each worker's source, relative to main/server/. */
export const COMPANION_WORKERS = {
  /** SQLite's WAL checkpoints (store/checkpointer.ts) */
  'checkpoint-worker': 'store/checkpoint-worker.ts',
  /** a finished trip's fixes read, judged and processed (trips/track-thread.ts) */
  'track-worker': 'trips/track-worker.ts',
} as const;
export type CompanionWorker = keyof typeof COMPANION_WORKERS;

export const companionWorkerNames = (): CompanionWorker[] => Object.keys(COMPANION_WORKERS) as CompanionWorker[];

/** The worker beside a bundle: out/cli.cjs → out/cli.checkpoint-worker.cjs (built with it). */
export function companionWorkerFile(bundleFile: string, name: CompanionWorker): string {
  return `${bundleFile.replace(/\.cjs$/, '')}.${name}.cjs`;
}

/** What `new Worker(script, { eval })` starts for `name` in this runtime. */
export function workerScript(name: CompanionWorker): { script: string; eval: boolean } {
  if (typeof FLEETDESK_BUNDLED !== 'undefined' && FLEETDESK_BUNDLED) return { script: companionWorkerFile(__filename, name), eval: false };
  const require = createRequire(import.meta.url);
  const source = fileURLToPath(new URL(`./${COMPANION_WORKERS[name]}`, import.meta.url));
  return { script: `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(source)});`, eval: true };
}
