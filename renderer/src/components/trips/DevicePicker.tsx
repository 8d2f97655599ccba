/**
 * The trips page's device picker: a combobox. Typing filters the vans by name, plate or id;
 * arrows move, Enter picks, Escape closes. The first option is the fleet's day summary.
 */
import { useId, useMemo, useRef, useState } from 'react';
import type { LiveDevice } from '../../store/fleet-store';

export const FLEET_OPTION = '~fleet';

function matches(d: LiveDevice, q: string): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return [d.name, d.display_name, d.vehicle_plate, d.id].some((s) => s?.toLowerCase().includes(needle));
}

export function DevicePicker(props: { devices: LiveDevice[]; value: string; onPick: (id: string) => void }) {
  const listId = useId();
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const open = query !== null;
  const options = useMemo(() => {
    const q = (query ?? '').trim();
    const vans = props.devices.filter((d) => matches(d, q)).map((d) => ({ id: d.id, label: d.name, detail: [d.vehicle_plate, d.name !== d.id ? d.id : null].filter(Boolean).join(' · ') }));
    return q ? vans : [{ id: FLEET_OPTION, label: 'All vans: day summary', detail: '' }, ...vans];
  }, [props.devices, query]);
  const current = props.value === FLEET_OPTION || !props.value ? null : props.devices.find((d) => d.id === props.value);
  const shown = props.value === FLEET_OPTION || !props.value ? 'All vans: day summary' : (current?.name ?? props.value);

  const pick = (id: string) => {
    setQuery(null);
    props.onPick(id);
    input.current?.blur();
  };

  return (
    <div className="device-picker">
      <input
        ref={input}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-label="Device"
        aria-activedescendant={open && options[active] ? `${listId}-${active}` : undefined}
        placeholder="Search by name, plate or id"
        value={open ? query : shown}
        onFocus={() => {
          setQuery('');
          setActive(0);
        }}
        onBlur={() => setQuery(null)}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((a) => Math.min(options.length - 1, a + 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
          else if (e.key === 'Enter' && options[active]) pick(options[active].id);
          else if (e.key === 'Escape') input.current?.blur();
          else return;
          e.preventDefault();
        }}
        data-testid="trips-device"
        data-value={props.value}
      />
      {open && (
        <ul className="device-picker-list" id={listId} role="listbox" data-testid="trips-device-options">
          {options.length === 0 && <li className="muted device-picker-none">No van matches “{query}”.</li>}
          {options.map((o, i) => (
            <li
              key={o.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(o.id)}
              onMouseEnter={() => setActive(i)}
              data-testid="trips-device-option"
              data-device-id={o.id}
            >
              <span className="device-picker-name">{o.label}</span>
              {o.detail && <span className="muted small">{o.detail}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
