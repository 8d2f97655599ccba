/** Search, state filter and sort of the device list: plain functions, cheap enough for thousands of devices. */
import { motionState, type MotionState, type LiveDevice } from '../store/fleet-store';

export type StateFilter = 'all' | MotionState;
export type SortKey = 'name' | 'last_seen' | 'speed' | 'status';

export const STATE_FILTERS: { value: StateFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'moving', label: 'Moving' },
  { value: 'stopped', label: 'Stopped' },
  { value: 'offline', label: 'Offline' },
];

export const SORT_KEYS: { value: SortKey; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'last_seen', label: 'Last seen' },
  { value: 'speed', label: 'Speed' },
  { value: 'status', label: 'Status' },
];

export interface ListEntry {
  device: LiveDevice;
  status: MotionState;
}

export interface FilteredList {
  entries: ListEntry[];
  counts: Record<StateFilter, number>;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const STATUS_ORDER: Record<MotionState, number> = { moving: 0, stopped: 1, offline: 2 };

/**
 * Collation order of device names, cached: names rarely change while positions stream in, so
 * the list sorts by a number instead of calling the collator 20,000 times per pass. Rebuilt
 * when a name appears that the cache does not know (a superset of names still orders right).
 */
let nameRank = new Map<string, number>();
function rankNames(devices: readonly LiveDevice[]): Map<string, number> {
  if (devices.some((d) => !nameRank.has(d.name))) {
    const names = [...new Set(devices.map((d) => d.name))].sort(collator.compare);
    nameRank = new Map(names.map((n, i) => [n, i]));
  }
  return nameRank;
}

function matches(d: LiveDevice, q: string): boolean {
  return (
    d.name.toLowerCase().includes(q) ||
    d.id.toLowerCase().includes(q) ||
    (d.vehicle_plate?.toLowerCase().includes(q) ?? false) ||
    (d.phone?.toLowerCase().includes(q) ?? false) ||
    // phone numbers are typed with or without spaces and dashes
    (d.phone !== null && q.replace(/[\s-]/g, '').length > 2 && d.phone.replace(/[\s-]/g, '').includes(q.replace(/[\s-]/g, '')))
  );
}

/** Counts are per state over the search result, so the filter buttons say what each would show. */
export function filterDevices(devices: readonly LiveDevice[], now: number, query: string, filter: StateFilter, sort: SortKey): FilteredList {
  const q = query.trim().toLowerCase();
  const counts: Record<StateFilter, number> = { all: 0, moving: 0, stopped: 0, offline: 0 };
  const entries: ListEntry[] = [];
  for (const device of devices) {
    if (q && !matches(device, q)) continue;
    const status = motionState(device, now);
    counts.all++;
    counts[status]++;
    if (filter === 'all' || filter === status) entries.push({ device, status });
  }
  const rank = rankNames(devices);
  const byName = (a: ListEntry, b: ListEntry) => rank.get(a.device.name)! - rank.get(b.device.name)! || (a.device.id < b.device.id ? -1 : 1);
  const time = (e: ListEntry) => e.device.position?.time ?? -Infinity;
  const speed = (e: ListEntry) => (e.status === 'offline' ? -1 : (e.device.position?.speed ?? -1));
  const compare: Record<SortKey, (a: ListEntry, b: ListEntry) => number> = {
    name: byName,
    last_seen: (a, b) => time(b) - time(a) || byName(a, b),
    speed: (a, b) => speed(b) - speed(a) || byName(a, b),
    status: (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byName(a, b),
  };
  entries.sort(compare[sort]);
  return { entries, counts };
}

/**
 * The list's search and state filter as a test for one device, for the map's markers and
 * clusters; null when nothing is filtered (the map then tests nothing).
 */
export function devicePredicate(query: string, filter: StateFilter): ((d: LiveDevice, now: number) => boolean) | null {
  const q = query.trim().toLowerCase();
  if (!q && filter === 'all') return null;
  // The map asks every frame while it is dragged; a device's record is replaced when it changes.
  const found = new WeakMap<LiveDevice, boolean>();
  const hit = (d: LiveDevice) => {
    let r = found.get(d);
    if (r === undefined) found.set(d, (r = matches(d, q)));
    return r;
  };
  return (d, now) => (!q || hit(d)) && (filter === 'all' || motionState(d, now) === filter);
}

/**
 * Keeps rows where they were: the entries in the order of `rank` (device id → row of the order
 * held), devices not in it after those, in their freshly sorted order. Sorting is stable.
 */
export function holdOrder(entries: ListEntry[], rank: ReadonlyMap<string, number>): ListEntry[] {
  const at = (e: ListEntry) => rank.get(e.device.id) ?? Infinity;
  return entries.sort((a, b) => {
    const x = at(a);
    const y = at(b);
    return x === y ? 0 : x - y;
  });
}
