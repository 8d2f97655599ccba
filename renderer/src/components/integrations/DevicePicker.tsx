/** Which devices a destination hears about: all of the company's, or a picked few from its device list. */
import { useMemo, useState } from 'react';
import type { Device } from '../../../../shared/api/schemas';

export function DevicePicker(props: { all: boolean; picked: string[]; devices: Device[] | null; loadError: string | null; error?: string; onChange: (all: boolean, picked: string[]) => void }) {
  const [query, setQuery] = useState('');
  const on = new Set(props.picked);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (props.devices ?? []).filter((d) => !q || d.id.toLowerCase().includes(q) || d.name.toLowerCase().includes(q));
  }, [props.devices, query]);
  // Picked ids the list does not have (deleted since) stay visible so they can be unpicked.
  const missing = props.picked.filter((id) => props.devices !== null && !props.devices.some((d) => d.id === id));
  const toggle = (id: string, checked: boolean) => props.onChange(false, checked ? [...props.picked, id] : props.picked.filter((x) => x !== id));
  return (
    <fieldset className={`device-picker${props.error ? ' has-error' : ''}`} data-testid="field-devices" data-invalid={props.error ? 'true' : undefined}>
      <legend>Devices</legend>
      <div className="segmented" role="radiogroup" aria-label="Devices">
        <button type="button" role="radio" aria-checked={props.all} className={props.all ? 'active' : undefined} onClick={() => props.onChange(true, props.picked)} data-testid="devices-all">
          All devices
        </button>
        <button type="button" role="radio" aria-checked={!props.all} className={!props.all ? 'active' : undefined} onClick={() => props.onChange(false, props.picked)} data-testid="devices-some">
          Only these{!props.all && props.picked.length > 0 ? ` (${props.picked.length})` : ''}
        </button>
      </div>
      {props.all ? (
        <p className="hint">Includes devices added later.</p>
      ) : (
        <div className="device-choices">
          {props.loadError && <p className="form-error">Could not load the devices. Close this and try again.</p>}
          {props.devices === null && !props.loadError && <p className="muted">Loading devices…</p>}
          {props.devices !== null && props.devices.length > 8 && <input type="search" className="search" placeholder="Search devices" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search devices" />}
          {props.devices !== null && props.devices.length === 0 && <p className="muted">The company has no devices yet.</p>}
          <div className="device-choice-list">
            {shown.map((d) => (
              <label key={d.id} className="checkbox">
                <input type="checkbox" checked={on.has(d.id)} onChange={(e) => toggle(d.id, e.target.checked)} data-testid={`device-${d.id}`} />
                <span>
                  {d.name}
                  {d.name !== d.id && <span className="muted small"> {d.id}</span>}
                </span>
              </label>
            ))}
            {missing.map((id) => (
              <label key={id} className="checkbox">
                <input type="checkbox" checked onChange={() => toggle(id, false)} />
                <span>
                  {id} <span className="muted small">(no longer a device)</span>
                </span>
              </label>
            ))}
          </div>
        </div>
      )}
      {props.error && (
        <p className="field-error" data-testid="field-devices-error">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
