/**
 * glibc's allocator settings the headless server runs with on Linux.
 *
 * glibc reads them once, when the process starts, so they cannot be set from inside: `npm run
 * serve` puts them on its command line (package.json, through cross-env; a unit test keeps the
 * two the same), the benchmarks' server children get them from here (test/bench/fork-child.ts),
 * and `serve` says at start when they are missing (someone running `node out/cli.cjs serve`
 * from a service file, say).
 *
 * Why: with glibc's defaults the server's memory crept for 20-40 minutes of a steady 2,000-driver
 * soak (+0.35 to +0.55 MB a minute from minute 6, levelling near 189-196 MB), all of it memory
 * glibc kept after `free`: one arena per thread holding freed memory, and a trim threshold that
 * grows with the largest block ever freed, so a thread's arena is never given back. With two
 * arenas and a fixed trim threshold (glibc's own default value, but no longer raised) the soak's
 * RSS is 7-13 MB lower and rises half as fast (+0.19 MB a minute over 30 minutes; what still
 * rises was V8's heap pages refilling after its memory reducer, not glibc's heap: v8-flags.ts);
 * p99 is unchanged, p50 perhaps up to ~0.9 ms higher (README, Benchmarks: the 30-minute soak).
 *
 * The desktop app's main process is Electron's, whose allocator is Chromium's own, not glibc's
 * malloc; macOS and Windows have no glibc. Neither needs these.
 */
export const SERVER_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/** The settings an environment lacks (or sets otherwise), as NAME=value; none off Linux. */
export function missingMallocSettings(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  if (platform !== 'linux') return [];
  return Object.entries(SERVER_MALLOC_ENV)
    .filter(([name, value]) => env[name] !== value)
    .map(([name, value]) => `${name}=${value}`);
}
