import type { Db } from './database';

/**
 * SQLite's page cache for the server's connection, sized to the fleet.
 *
 * Every fix a device sends goes next to its previous one in the (device, time) index, so each
 * commit touches the index leaves of the devices in it: about two a device (where the next fix
 * goes, and its neighbour; 4,187 leaves for 2,000 drivers, measured with strace), read again
 * every second. When they are not in SQLite's own cache, every commit reads them back from the
 * operating system (~2,500 reads a second at 2,000 drivers), and an OS that reclaims file pages
 * it thinks idle (this project's test machines run DAMON's proactive reclaim; a machine short of
 * memory does the same) makes some of those reads wait for the disk, on the event loop, more
 * often as the database grows. A base for everything else (appends, the small tables) plus
 * 10 KiB a device keeps them in the process; the cap bounds RSS for very large fleets (10,000
 * drivers get 64 MiB, not 104). README "Benchmarks" has the soaks that chose these figures.
 */
export const PAGE_CACHE_BASE_KIB = 4096;
export const PAGE_CACHE_PER_DEVICE_KIB = 10;
export const PAGE_CACHE_MAX_KIB = 65536;

/** The page cache, KiB, for a database holding `devices` devices. */
export function pageCacheKibFor(devices: number): number {
  const n = Number.isFinite(devices) && devices > 0 ? Math.floor(devices) : 0;
  return Math.min(PAGE_CACHE_MAX_KIB, PAGE_CACHE_BASE_KIB + n * PAGE_CACHE_PER_DEVICE_KIB);
}

/**
 * Sets the connection's page cache for the devices the database holds now (every account counts:
 * dispatchers are few). Cheap (a count over the users' index); the server calls it at start and
 * once a minute, so a fleet that grows gets its room within a minute. Returns the KiB set.
 */
export function fitPageCache(db: Db): number {
  const { n } = db.prepare('SELECT count(*) AS n FROM users').get() as { n: number };
  const kib = pageCacheKibFor(n);
  if (db.pragma('cache_size', { simple: true }) !== -kib) db.pragma(`cache_size = -${kib}`);
  return kib;
}
