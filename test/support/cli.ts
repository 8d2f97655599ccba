/** Runs the real CLI entry points as child processes. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { buildServer } from '../../main/build/server';
import { SERVER_MALLOC_ENV } from '../../main/server/malloc-env';
import { SERVER_V8_FLAGS } from '../../main/server/v8-flags';
import { companionWorkerFile, companionWorkerNames } from '../../main/server/companion-workers';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE_ARGS = ['--import', 'tsx'];

let bundle: Promise<string> | null = null;

/**
 * What `npm run serve` runs: the bundled command line (out/cli.cjs), built from the sources once
 * per test process (its own file under out/test/, removed at exit).
 */
export function serverBundle(): Promise<string> {
  bundle ??= (async () => {
    const outfile = path.join(ROOT, 'out', 'test', `cli-${process.pid}.cjs`);
    await buildServer(ROOT, outfile);
    process.once('exit', () => {
      for (const f of [outfile, ...companionWorkerNames().map((w) => companionWorkerFile(outfile, w))]) for (const g of [f, `${f}.map`]) fs.rmSync(g, { force: true });
    });
    return outfile;
  })();
  return bundle;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], input?: string): CliResult {
  const r = spawnSync(process.execPath, [...NODE_ARGS, path.join(ROOT, 'main/cli/index.ts'), ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts what `npm run serve` runs (the bundle, with its allocator settings and V8 flags unless
 * `env` and `nodeFlags` say otherwise) and resolves when it prints its listening line.
 * The HTTPS and OsmAnd ports are off unless the test names them, so tests never need 8766 or 5055.
 */
export async function startServe(argv: string[], timeoutMs = 15000, env: NodeJS.ProcessEnv = { ...process.env, ...SERVER_MALLOC_ENV }, nodeFlags: readonly string[] = SERVER_V8_FLAGS): Promise<ServeProcess> {
  const args = [...argv];
  if (!args.includes('--https-port')) args.push('--https-port', '0');
  if (!args.includes('--osmand-port')) args.push('--osmand-port', '0');
  const child = spawn(process.execPath, [...nodeFlags, await serverBundle(), 'serve', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^FleetDesk listening on (http:\/\/\S+)$/.exec(line);
      if (m) {
        clearTimeout(t);
        resolve({ child, url: m[1]!, stderr: () => err, exited });
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(t);
      reject(Object.assign(new Error(`serve exited with ${code}: ${err}`), { code, stderr: err }));
    });
  });
}
