/** Forks a server child (bench-server.ts or a reference) and waits for its messages over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import type { FromServer, ToServer } from './ipc';

export interface BenchChild {
  child: ChildProcess;
  next<T extends FromServer['type']>(type: T, timeoutMs?: number): Promise<Extract<FromServer, { type: T }>>;
  command(c: ToServer): void;
  /** asks for a clean stop and waits for the exit */
  stop(): Promise<Extract<FromServer, { type: 'stopped' }>>;
}

export function forkBenchChild(script: string, args: string[]): BenchChild {
  const child = fork(script, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  child.stdout?.pipe(process.stderr);
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
