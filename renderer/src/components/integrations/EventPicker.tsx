/** The event types a destination receives: grouped checkboxes with plain labels and the seed's name in small text. */
import { EVENT_NAMES, type EventName } from '../../../../shared/api/events';
import { EVENT_GROUPS, EVENT_LABELS } from './notify-labels';

export function EventPicker(props: { events: EventName[]; error?: string; onChange: (events: EventName[]) => void }) {
  const on = new Set(props.events);
  const set = (names: readonly EventName[], checked: boolean) => {
    const next = new Set(on);
    for (const n of names) {
      if (checked) next.add(n);
      else next.delete(n);
    }
    props.onChange(EVENT_NAMES.filter((e) => next.has(e)));
  };
  const all = on.size === EVENT_NAMES.length;
  return (
    <fieldset className={`event-picker${props.error ? ' has-error' : ''}`} data-testid="field-events" data-invalid={props.error ? 'true' : undefined}>
      <legend>
        Events <span className="muted">({all ? 'all' : `${on.size} of ${EVENT_NAMES.length}`})</span>
        <span className="legend-actions">
          <button type="button" className="link-button" onClick={() => set(EVENT_NAMES, true)} disabled={all}>
            All
          </button>
          <button type="button" className="link-button" onClick={() => set(EVENT_NAMES, false)} disabled={on.size === 0}>
            None
          </button>
        </span>
      </legend>
      <div className="event-groups">
        {EVENT_GROUPS.map((g) => {
          const n = g.events.filter((e) => on.has(e)).length;
          return (
            <div key={g.label} className="event-group" data-testid={`event-group-${g.label}`}>
              {g.events.length > 1 ? (
                <label className="checkbox group-label">
                  <input
                    type="checkbox"
                    checked={n === g.events.length}
                    ref={(el) => {
                      if (el) el.indeterminate = n > 0 && n < g.events.length;
                    }}
                    onChange={(e) => set(g.events, e.target.checked)}
                    data-testid={`event-group-toggle-${g.label}`}
                  />
                  <strong>{g.label}</strong>
                </label>
              ) : (
                <div className="group-label">
                  <strong>{g.label}</strong>
                </div>
              )}
              {g.events.map((e) => (
                <label key={e} className="checkbox event-choice">
                  <input type="checkbox" checked={on.has(e)} onChange={(ev) => set([e], ev.target.checked)} data-testid={`event-${e}`} />
                  <span>
                    {EVENT_LABELS[e]}
                    <code className="seed-name">{e}</code>
                  </span>
                </label>
              ))}
            </div>
          );
        })}
      </div>
      {props.error && (
        <p className="field-error" data-testid="field-events-error">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
