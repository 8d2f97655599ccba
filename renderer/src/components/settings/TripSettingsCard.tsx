/** Trip detection settings (admins change them): what makes a stop, a trip, a merge, speeding. */
import { useState, type FormEvent } from 'react';
import { DEFAULT_TRIP_SETTINGS, type TripSettings } from '../../../../shared/api/trips';
import { useConsole } from '../../app/console-context';
import type { FieldSpecs } from '../../lib/form-errors';
import { useForm } from '../../lib/use-form';
import { useLoad } from '../../lib/use-load';
import { Field, inputProps } from '../Field';
import { FormFeedback } from '../FormFeedback';

type Key = keyof TripSettings;

const FIELDS: { key: Key; label: string; unit: string; hint: string }[] = [
  { key: 'stop_radius_m', label: 'Stop radius', unit: 'm', hint: 'a vehicle staying within this radius…' },
  { key: 'stop_duration_s', label: 'Stop duration', unit: 's', hint: '…this long has stopped: the trip ends' },
  { key: 'merge_gap_s', label: 'Merge stops shorter than', unit: 's', hint: 'trips around a shorter stop are shown as one (0: never)' },
  { key: 'gap_split_s', label: 'Split on silence of', unit: 's', hint: 'no data this long ends a trip' },
  { key: 'min_distance_m', label: 'Minimum distance', unit: 'm', hint: 'shorter trips are removed' },
  { key: 'min_duration_s', label: 'Minimum duration', unit: 's', hint: 'shorter trips are removed' },
  { key: 'min_fixes', label: 'Minimum fixes', unit: '', hint: 'trips with fewer positions are removed' },
  { key: 'walking_max_kmh', label: 'Walking below', unit: 'km/h', hint: 'a trip never faster than this is a walk, removed' },
  { key: 'speed_limit_kmh', label: 'Speeding above', unit: 'km/h', hint: 'a driving event after 10 s above it' },
];
const SPECS = Object.fromEntries(FIELDS.map((f) => [f.key, { label: f.label, unit: f.unit || undefined }])) as FieldSpecs<Key>;

export function TripSettingsCard({ companyId }: { companyId: string }) {
  const { api, isAdmin } = useConsole();
  const [saved, setSaved] = useState<TripSettings | null>(null);
  const [values, setValues] = useState<Record<Key, string> | null>(null);
  const form = useForm(SPECS, { Forbidden: 'Only admins change the trip settings.' });

  const show = (s: TripSettings) => {
    setSaved(s);
    setValues(Object.fromEntries(FIELDS.map((f) => [f.key, String(s[f.key])])) as Record<Key, string>);
  };
  const loaded = useLoad(async () => show(await api.tripSettings(companyId)), [api, companyId]);
  const message = form.feedback ?? (loaded.error ? { kind: 'error' as const, text: `Could not load the trip settings. ${loaded.error}` } : null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!values || !saved) return;
    const changes: Partial<TripSettings> = {};
    const bad: Partial<Record<Key, string>> = {};
    for (const f of FIELDS) {
      const v = Number(values[f.key].trim().replace(',', '.'));
      if (values[f.key].trim() === '' || !Number.isFinite(v)) bad[f.key] = `${f.label} must be a number.`;
      else if (v !== saved[f.key]) changes[f.key] = v;
    }
    if (Object.keys(bad).length) return form.refuse(bad);
    if (Object.keys(changes).length === 0) return form.say({ kind: 'ok', text: 'Nothing to save.' });
    await form.submit(async () => {
      show(await api.updateTripSettings(companyId, changes));
      return 'Saved. New trips use these settings.';
    });
  }

  return (
    <form className="card settings-card" onSubmit={submit} noValidate data-testid="trip-settings" ref={form.formRef}>
      <h2>Trips</h2>
      <p className="hint">How trips are cut from the positions. Defaults suit vans in town: a 3-minute stop within 200 m ends a trip.</p>
      {values ? (
        <fieldset disabled={!isAdmin || form.busy} className="trip-settings-grid">
          {FIELDS.map((f) => (
            <Field
              key={f.key}
              label={f.label}
              error={form.fields[f.key]}
              hint={`${f.hint} (default ${DEFAULT_TRIP_SETTINGS[f.key]})`}
              testId={`trip-field-${f.key}`}
            >
              {(ids) => (
                <span className="with-unit" title={f.hint}>
                  <input
                    {...inputProps(ids)}
                    inputMode="decimal"
                    value={values[f.key]}
                    onChange={(e) => {
                      setValues({ ...values, [f.key]: e.target.value });
                      form.edited(f.key);
                    }}
                    data-testid={`trip-${f.key}`}
                  />
                  <span className="unit">{f.unit}</span>
                </span>
              )}
            </Field>
          ))}
        </fieldset>
      ) : (
        !message && <p className="hint">Loading…</p>
      )}
      <FormFeedback feedback={message} testId="trip-settings-message" />
      {isAdmin && values && (
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.busy}>
            {form.busy ? 'Saving…' : 'Save trip settings'}
          </button>
        </div>
      )}
    </form>
  );
}
