/**
 * The tracking server of `npm run bench:ui`: bench-server.ts (the one `bench:ws` uses) in a
 * forked child, so the simulated drivers and the browser never share its event loop. It serves
 * the built console, map harness included, from renderer/dist.
 */
import type { ChildProcess } from 'node:child_process';
import { forkBundled } from './fork-child';
import path from 'node:path';
import type { FromServer, ServerSample } from './ipc';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

export interface UiServer {
  child: ChildProcess;
  port: number;
  /** the latest memory/CPU sample of the child */
  lastSample: ServerSample | null;
  stop(): Promise<void>;
}

export async function startUiServer(dataDir: string): Promise<UiServer> {
  const child = await forkBundled(path.join(import.meta.dirname, 'bench-server.ts'), [dataDir]);
  const server: UiServer = { child, port: 0, lastSample: null, stop: () => stopChild(child) };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server child was not ready within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    child.on('message', (m: FromServer) => {
      if (m.type === 'sample') server.lastSample = m;
      else if (m.type === 'ready') {
        clearTimeout(timer);
        server.port = m.port;
        resolve(server);
      } else if (m.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`server child failed: ${m.message}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server child exited (code ${code}, signal ${signal}) before it was ready`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    if (child.connected) child.send({ cmd: 'stop' });
    else child.kill('SIGTERM');
  });
}
