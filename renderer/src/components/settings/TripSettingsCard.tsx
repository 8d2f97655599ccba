/** Trip detection settings (admins change them): what makes a stop, a trip, a merge, speeding. */
import { useState, type FormEvent } from 'react';
import { DEFAULT_TRIP_SETTINGS, type TripSettings } from '../../../../shared/api/trips';
import { useConsole } from '../../app/console-context';
import { useAsyncAction } from '../../lib/use-async-action';
import { useLoad } from '../../lib/use-load';
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

export function TripSettingsCard({ companyId }: { companyId: string }) {
  const { api, isAdmin } = useConsole();
  const [saved, setSaved] = useState<TripSettings | null>(null);
  const [form, setForm] = useState<Record<Key, string> | null>(null);
  const { busy, feedback, setFeedback, run } = useAsyncAction();

  const show = (s: TripSettings) => {
    setSaved(s);
    setForm(Object.fromEntries(FIELDS.map((f) => [f.key, String(s[f.key])])) as Record<Key, string>);
  };
  const loaded = useLoad(async () => show(await api.tripSettings(companyId)), [api, companyId]);
  const message = feedback ?? (loaded.error ? { kind: 'error' as const, text: loaded.error } : null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!form || !saved) return;
    const changes: Partial<TripSettings> = {};
    for (const f of FIELDS) {
      const v = Number(form[f.key].trim().replace(',', '.'));
      if (form[f.key].trim() === '' || !Number.isFinite(v)) return setFeedback({ kind: 'error', text: `${f.label} must be a number.` });
      if (v !== saved[f.key]) changes[f.key] = v;
    }
    if (Object.keys(changes).length === 0) return setFeedback({ kind: 'ok', text: 'Nothing to save.' });
    await run(async () => {
      show(await api.updateTripSettings(companyId, changes));
      return 'Saved. New trips use these settings.';
    });
  }

  return (
    <form className="card settings-card" onSubmit={submit} noValidate data-testid="trip-settings">
      <h2>Trips</h2>
      <p className="hint">How trips are cut from the positions. Defaults suit vans in town: a 3-minute stop within 200 m ends a trip.</p>
      {form ? (
        <fieldset disabled={!isAdmin || busy} className="trip-settings-grid">
          {FIELDS.map((f) => (
            <label key={f.key} title={f.hint}>
              {f.label}
              <span className="with-unit">
                <input inputMode="decimal" value={form[f.key]} onChange={(e) => setForm({ ...form, [f.key]: e.target.value })} data-testid={`trip-${f.key}`} />
                <span className="unit">{f.unit}</span>
              </span>
              <span className="hint">
                {f.hint} (default {DEFAULT_TRIP_SETTINGS[f.key]})
              </span>
            </label>
          ))}
        </fieldset>
      ) : (
        !message && <p className="hint">Loading…</p>
      )}
      <FormFeedback feedback={message} testId="trip-settings-message" />
      {isAdmin && form && (
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save trip settings'}
          </button>
        </div>
      )}
    </form>
  );
}
