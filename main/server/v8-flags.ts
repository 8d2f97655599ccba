/**
 * V8 flags the headless server runs with: `--no-memory-reducer`.
 *
 * Node takes V8 flags on its command line (NODE_OPTIONS refuses this one), so `npm run serve`
 * puts them there (package.json; a unit test keeps the two the same), the benchmarks' server
 * children get them from here (test/bench/fork-child.ts), and `serve` says at start when they
 * are missing, as it does for the allocator settings (malloc-env.ts).
 *
 * Why: V8's memory reducer runs a memory-reducing collection soon after a busy start (here ~1
 * minute into a 2,000-driver soak). It hands back the free parts of V8's heap pages to the OS
 * (`madvise`), ~20 MB, and the server then grows back into them as objects land there, slowly:
 * RSS rose +0.18 MB a minute for 45 minutes of a steady soak, all of it those pages refilling
 * (`npm run bench:smaps`). Without it, RSS is level from minute 5 (~180 MB at 2,000 drivers),
 * after one higher start (the first full collection comes later: 233 MB at minute 4); at 10,000
 * drivers the peak is the same (271 against 269 MB). What it costs: a server that falls idle
 * keeps its heap instead of shrinking it. A server that handles a fleet all day gains nothing
 * from handing memory back only to take it again (README, Benchmarks: the soak).
 *
 * The desktop app's main process is Electron's: its V8 flags are Electron's to set, and it is
 * not changed here.
 */
export const SERVER_V8_FLAGS: readonly string[] = ['--no-memory-reducer'];

/** The flags a process was started without (its `process.execArgv`). */
export function missingV8Flags(execArgv: readonly string[] = process.execArgv): string[] {
  return SERVER_V8_FLAGS.filter((flag) => !execArgv.includes(flag));
}
