/** A device's profile fields, saved with PATCH /api/v1/devices/:id (only what changed; empty clears). */
import { useState, type FormEvent } from 'react';
import type { DeviceUpdate } from '../../../shared/api/schemas';
import { useConsole } from '../app/console-context';
import { useAsyncAction } from '../lib/use-async-action';
import type { LiveDevice } from '../store/fleet-store';
import { FormFeedback } from './FormFeedback';

export const PROFILE_FIELDS = [
  { key: 'display_name', label: 'Display name', autoComplete: 'off' },
  { key: 'first_name', label: 'First name', autoComplete: 'off' },
  { key: 'last_name', label: 'Last name', autoComplete: 'off' },
  { key: 'phone', label: 'Phone', autoComplete: 'off' },
  { key: 'vehicle_plate', label: 'Vehicle plate', autoComplete: 'off' },
] as const;
export type ProfileKey = (typeof PROFILE_FIELDS)[number]['key'];
export const PROFILE_MAX = 200;

type Values = Record<ProfileKey, string>;

export const profileValues = (d: Record<ProfileKey, string | null>): Values =>
  Object.fromEntries(PROFILE_FIELDS.map((f) => [f.key, d[f.key] ?? ''])) as Values;

/** The changed fields (trimmed; '' becomes null) or a message naming the first invalid one. */
export function profileChanges(values: Values, before: Values): { changes: DeviceUpdate } | { error: string } {
  const changes: Record<string, string | null> = {};
  for (const f of PROFILE_FIELDS) {
    const v = values[f.key].trim();
    if (v.length > PROFILE_MAX) return { error: `${f.label}: at most ${PROFILE_MAX} characters (now ${v.length}).` };
    if (v !== before[f.key].trim()) changes[f.key] = v === '' ? null : v;
  }
  return { changes };
}

export function DeviceProfileForm({ device }: { device: LiveDevice }) {
  const { api, store } = useConsole();
  const saved = profileValues(device);
  const [values, setValues] = useState<Values>(saved);
  const { busy, feedback, setFeedback, run } = useAsyncAction();
  const dirty = PROFILE_FIELDS.some((f) => values[f.key] !== saved[f.key]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = profileChanges(values, saved);
    if ('error' in r) return setFeedback({ kind: 'error', text: r.error });
    if (Object.keys(r.changes).length === 0) return setFeedback({ kind: 'ok', text: 'Nothing to save.' });
    await run(async () => {
      const d = await api.updateDevice(device.id, r.changes);
      store.updateDevice(device.id, { name: d.name, display_name: d.display_name, first_name: d.first_name, last_name: d.last_name, phone: d.phone, vehicle_plate: d.vehicle_plate });
      setValues(profileValues(d));
      return 'Saved.';
    });
  }

  return (
    <form className="profile-form" onSubmit={submit} noValidate data-testid="profile-form">
      {PROFILE_FIELDS.map((f) => (
        <label key={f.key}>
          {f.label}
          <input
            name={f.key}
            value={values[f.key]}
            autoComplete={f.autoComplete}
            onChange={(e) => {
              setValues({ ...values, [f.key]: e.target.value });
              setFeedback(null);
            }}
          />
        </label>
      ))}
      <FormFeedback feedback={feedback} testId="profile-message" />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || !dirty}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
        {dirty && (
          <button type="button" onClick={() => setValues(saved)} disabled={busy}>
            Revert
          </button>
        )}
      </div>
    </form>
  );
}
