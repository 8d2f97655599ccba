/**
 * Forks a server child (bench-server.ts or a reference) and waits for its messages over IPC.
 * Children run as bundles (out/bench/<name>.cjs, built by main/build/node-bundle.ts), as the
 * desktop app and `npm run serve` do: without a TypeScript loader, whose own memory and
 * per-closure naming would be measured as the server's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { bundleNode } from '../../main/build/node-bundle';
import { SERVER_TARGET } from '../../main/build/server';
import { SERVER_MALLOC_ENV } from '../../main/server/malloc-env';
import { SERVER_V8_FLAGS } from '../../main/server/v8-flags';
import type { FromServer, ToServer } from './ipc';

const ROOT = path.resolve(import.meta.dirname, '../..');
const built = new Map<string, Promise<string>>();

/** The bundle of a child script, built once per benchmark run. */
export function bundledChild(script: string): Promise<string> {
  let out = built.get(script);
  if (!out) {
    const outfile = path.join(ROOT, 'out', 'bench', `${path.basename(script, '.ts')}.cjs`);
    out = bundleNode({ root: ROOT, entry: script, outfile, target: SERVER_TARGET, what: 'a benchmark server child', externals: ['better-sqlite3'] }).then(() => outfile);
    built.set(script, out);
  }
  return out;
}

/**
 * Forks a child script's bundle with an IPC channel; its stdout goes to the benchmark's stderr.
 * Every child (FleetDesk and the references alike) runs with the allocator settings and V8 flags
 * `npm run serve` gives the server (main/server/malloc-env.ts, main/server/v8-flags.ts).
 * BENCH_CHILD_EXEC runs the child under another program (a wrapper script that starts node under heaptrack, say).
 */
export async function forkBundled(script: string, args: string[], execArgv: string[] = []): Promise<ChildProcess> {
  const env = { ...process.env, ...SERVER_MALLOC_ENV };
  const child = fork(await bundledChild(script), args, { execArgv: [...SERVER_V8_FLAGS, ...execArgv], env, ...(process.env.BENCH_CHILD_EXEC ? { execPath: process.env.BENCH_CHILD_EXEC } : {}), stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  child.stdout?.pipe(process.stderr);
  return child;
}

export interface BenchChild {
  child: ChildProcess;
  next<T extends FromServer['type']>(type: T, timeoutMs?: number): Promise<Extract<FromServer, { type: T }>>;
  command(c: ToServer): void;
  /** asks for a clean stop and waits for the exit */
  stop(): Promise<Extract<FromServer, { type: 'stopped' }>>;
}

export async function forkBenchChild(script: string, args: string[]): Promise<BenchChild> {
  const child = await forkBundled(script, args);
  const next = <T extends FromServer['type']>(type: T, timeoutMs = 30_000) =>
    new Promise<Extract<FromServer, { type: T }>>((resolve, reject) => {
      const on = (m: FromServer) => {
        if (m.type === 'failed') {
          clearTimeout(timer);
          child.off('message', on);
          reject(new Error(m.message));
        }
        if (m.type !== type) return;
        clearTimeout(timer);
        child.off('message', on);
        resolve(m as Extract<FromServer, { type: T }>);
      };
      const timer = setTimeout(() => {
        child.off('message', on);
        reject(new Error(`server child: no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('message', on);
    });
  const command = (c: ToServer) => {
    if (child.connected) child.send(c);
  };
  return {
    child,
    next,
    command,
    stop: async () => {
      const stopped = next('stopped');
      command({ cmd: 'stop' });
      const m = await stopped;
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
      return m;
    },
  };
}
