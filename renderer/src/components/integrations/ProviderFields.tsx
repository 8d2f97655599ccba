/**
 * The settings a provider asks for: plain fields, secrets ("Set" with Replace once stored,
 * never prefilled), and for a webhook its custom headers as name/value rows.
 */
import type { DestinationDraft, FieldSpec, HeaderRow } from './destination-draft';
import { PROVIDER_FIELDS } from './destination-draft';
import { Field } from './Field';

export function ProviderFields(props: { draft: DestinationDraft; storedSecrets: readonly string[]; errors: Record<string, string>; onChange: (d: DestinationDraft) => void }) {
  const { draft: d, onChange } = props;
  const specs = PROVIDER_FIELDS[d.provider];
  return (
    <div className="dest-fields" data-testid="provider-fields" data-provider={d.provider}>
      {specs.map((f) =>
        f.secret ? (
          <SecretField key={f.key} spec={f} {...props} />
        ) : (
          <Field key={f.key} label={f.optional ? `${f.label} (optional)` : f.label} hint={f.hint} error={props.errors[f.key]} testId={`field-${f.key}`} wide={!f.choices}>
            {({ id, describedBy, invalid }) =>
              f.choices ? (
                <select id={id} name={f.key} value={d.settings[f.key] ?? ''} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => onChange({ ...d, settings: { ...d.settings, [f.key]: e.target.value } })}>
                  {f.choices.map((c) => (
                    <option key={c} value={c}>
                      {c === 'CloudEvents' ? 'CloudEvents 1.0' : 'Event Grid schema'}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={id}
                  name={f.key}
                  value={d.settings[f.key] ?? ''}
                  placeholder={f.placeholder}
                  spellCheck={false}
                  autoComplete="off"
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  onChange={(e) => onChange({ ...d, settings: { ...d.settings, [f.key]: e.target.value } })}
                />
              )
            }
          </Field>
        ),
      )}
      {d.provider === 'webhook' && <HeaderRows rows={d.headers} error={props.errors.headers} onChange={(headers) => onChange({ ...d, headers })} />}
    </div>
  );
}

function SecretField(props: { spec: FieldSpec; draft: DestinationDraft; storedSecrets: readonly string[]; errors: Record<string, string>; onChange: (d: DestinationDraft) => void }) {
  const { spec: f, draft: d, onChange } = props;
  const stored = props.storedSecrets.includes(f.key);
  const replacing = !stored || d.replacing.includes(f.key);
  const label = f.optional && !stored ? `${f.label} (optional)` : f.label;
  const setReplacing = (on: boolean) =>
    onChange({ ...d, replacing: on ? [...d.replacing, f.key] : d.replacing.filter((k) => k !== f.key), secrets: on ? d.secrets : { ...d.secrets, [f.key]: '' } });
  return (
    <Field label={label} hint={stored ? (replacing ? 'The new value replaces the stored one when you save.' : 'Stored and never shown. Replace it to change it.') : f.hint} error={props.errors[f.key]} testId={`field-${f.key}`} wide>
      {({ id, describedBy, invalid }) =>
        replacing ? (
          <div className="secret-row">
            <input
              id={id}
              name={f.key}
              type="password"
              autoComplete="new-password"
              value={d.secrets[f.key] ?? ''}
              placeholder={stored ? 'new value' : f.placeholder}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              autoFocus={stored}
              onChange={(e) => onChange({ ...d, secrets: { ...d.secrets, [f.key]: e.target.value } })}
            />
            {stored && (
              <button type="button" onClick={() => setReplacing(false)} data-testid={`keep-${f.key}`}>
                Keep current
              </button>
            )}
          </div>
        ) : (
          <div className="secret-row">
            <span className="secret-set" id={id} data-testid={`secret-set-${f.key}`}>
              Set
            </span>
            <button type="button" onClick={() => setReplacing(true)} data-testid={`replace-${f.key}`}>
              Replace
            </button>
          </div>
        )
      }
    </Field>
  );
}

function HeaderRows(props: { rows: HeaderRow[]; error?: string; onChange: (rows: HeaderRow[]) => void }) {
  const { rows, onChange } = props;
  const set = (i: number, row: HeaderRow) => onChange(rows.map((r, j) => (j === i ? row : r)));
  return (
    <fieldset className={`field wide header-rows${props.error ? ' has-error' : ''}`} data-testid="field-headers" data-invalid={props.error ? 'true' : undefined}>
      <legend>Custom headers (optional)</legend>
      {rows.length === 0 && <p className="hint">Sent with every request, e.g. an Authorization header your gateway wants.</p>}
      {rows.map((r, i) => (
        <div className="header-row" key={i} data-testid="header-row">
          <input aria-label={`Header ${i + 1} name`} placeholder="Name, e.g. Authorization" value={r.name} spellCheck={false} onChange={(e) => set(i, { ...r, name: e.target.value })} />
          <input aria-label={`Header ${i + 1} value`} placeholder="Value" value={r.value} spellCheck={false} onChange={(e) => set(i, { ...r, value: e.target.value })} />
          <button type="button" className="icon-button" aria-label={`Remove header ${i + 1}`} title="Remove" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      {props.error && (
        <p className="field-error" data-testid="field-headers-error">
          {props.error}
        </p>
      )}
      <div>
        <button type="button" className="small-button" onClick={() => onChange([...rows, { name: '', value: '' }])} data-testid="add-header">
          + Add header
        </button>
      </div>
    </fieldset>
  );
}
