/**
 * The fleet as a searchable, filterable, sortable list. Stays fluid with thousands of devices:
 * it follows the store a few times a second (not every frame) and renders only the rows in
 * view (fixed row height), each row memoised. Search and state filter belong to the map page,
 * which filters the map's markers with them too.
 *
 * Sorted by a live value (speed, last seen, state), rows would swap under the pointer every
 * second: the order is held while the pointer is over the list, and otherwise re-sorted at most
 * every REORDER_MS; the rows' contents stay live.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useConsole } from '../app/console-context';
import { useNow, useThrottledFleetVersion } from '../lib/use-fleet';
import { filterDevices, holdOrder, SORT_KEYS, STATE_FILTERS, type SortKey, type StateFilter } from './device-filter';
import { DeviceRow, ROW_HEIGHT } from './DeviceRow';
import { UnknownDevices } from './phones/UnknownDevices';

const OVERSCAN = 6;
const LIST_REFRESH_MS = 250;
/** A list sorted by a live value is re-sorted at most this often, and never under the pointer. */
export const REORDER_MS = 3000;

export interface DeviceListProps {
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  query: string;
  onQuery: (q: string) => void;
  filter: StateFilter;
  onFilter: (f: StateFilter) => void;
}

export function DeviceList(props: DeviceListProps) {
  const { store, units } = useConsole();
  const version = useThrottledFleetVersion(store, LIST_REFRESH_MS);
  const now = useNow();
  const { query, filter } = props;
  const [sort, setSort] = useState<SortKey>('name');
  const [pointerOver, setPointerOver] = useState(false);
  const held = useRef<{ key: string; rank: Map<string, number>; at: number }>({ key: '', rank: new Map(), at: 0 });

  // `version` stands for the store's contents (store.all() is stable between changes).
  const { entries, counts } = useMemo(() => {
    const list = filterDevices(store.all(), now, query, filter, sort);
    const key = `${sort}\n${filter}\n${query}`;
    const t = performance.now();
    const h = held.current;
    if (sort !== 'name' && h.key === key && (pointerOver || t - h.at < REORDER_MS)) holdOrder(list.entries, h.rank);
    else held.current = { key, rank: new Map(list.entries.map((e, i) => [e.device.id, i])), at: t };
    return list;
  }, [store, version, now, query, filter, sort, pointerOver]);

  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Bring a device selected elsewhere (on the map) into view.
  const { selectedId } = props;
  useEffect(() => {
    const el = scroller.current;
    if (!el || !selectedId) return;
    const i = entries.findIndex((e) => e.device.id === selectedId);
    if (i < 0) return;
    const top = i * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    // Only when the selection changes, not when the list re-sorts under it.
  }, [selectedId]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(entries.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const onSelect = props.onSelect;
  const select = useCallback((id: string) => onSelect(id), [onSelect]);

  // Arrow keys move the selection through the list as shown; Escape clears it.
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape') return onSelect(null);
    const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    if (!step || entries.length === 0) return;
    e.preventDefault();
    const i = entries.findIndex((x) => x.device.id === selectedId);
    const next = entries[i < 0 ? 0 : Math.max(0, Math.min(entries.length - 1, i + step))];
    if (next) onSelect(next.device.id);
  }

  return (
    <aside className="device-list" aria-label="Devices" data-testid="device-list-view">
      <div className="device-list-tools">
        <input
          type="search"
          className="search"
          placeholder="Search name, id, plate, phone"
          value={query}
          onChange={(e) => props.onQuery(e.target.value)}
          aria-label="Search devices"
          data-testid="device-search"
        />
        <div className="segmented" role="group" aria-label="Filter by state">
          {STATE_FILTERS.map((f) => (
            <button
              key={f.value}
              type="button"
              className={filter === f.value ? 'active' : undefined}
              aria-pressed={filter === f.value}
              onClick={() => props.onFilter(f.value)}
              data-testid={`filter-${f.value}`}
            >
              {f.value !== 'all' && <span className={`status-dot status-${f.value}`} aria-hidden="true" />}
              {f.label}
              <span className="count" data-testid={`count-${f.value}`}>
                {counts[f.value]}
              </span>
            </button>
          ))}
        </div>
        <label className="sort">
          Sort
          <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)} data-testid="device-sort" title={sort === 'name' ? undefined : 'The order is kept while the pointer is over the list, and refreshed every few seconds otherwise'}>
            {SORT_KEYS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
          <span className="list-total">
            {entries.length} of {store.all().length}
          </span>
        </label>
      </div>
      <UnknownDevices onAdopted={onSelect} />
      <div
        className="device-scroller"
        ref={scroller}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onPointerEnter={(e) => e.pointerType === 'mouse' && setPointerOver(true)}
        onPointerLeave={() => setPointerOver(false)}
        onKeyDown={onKeyDown}
        tabIndex={0}
        role="listbox"
        aria-label="Devices"
        aria-activedescendant={selectedId ? `device-row-${selectedId}` : undefined}
        data-testid="device-list"
      >
        {entries.length === 0 ? (
          <p className="empty">{store.all().length === 0 ? 'No devices yet. Drivers appear here once they are added under Users.' : 'No devices match.'}</p>
        ) : (
          <div className="device-rows" style={{ height: entries.length * ROW_HEIGHT }}>
            {entries.slice(first, last).map((e, i) => (
              <DeviceRow
                key={e.device.id}
                device={e.device}
                status={e.status}
                now={now}
                units={units}
                selected={e.device.id === props.selectedId}
                top={(first + i) * ROW_HEIGHT}
                onSelect={select}
              />
            ))}
          </div>
        )}
      </div>
    </aside>
  );
}
