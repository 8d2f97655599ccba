/** A device's profile fields, saved with PATCH /api/v1/devices/:id (only what changed; empty clears, except the display name). */
import { useState, type FormEvent } from 'react';
import type { DeviceUpdate } from '../../../shared/api/schemas';
import { useConsole } from '../app/console-context';
import type { FieldSpecs } from '../lib/form-errors';
import { useForm } from '../lib/use-form';
import type { LiveDevice } from '../store/fleet-store';
import { Field, inputProps } from './Field';
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
export const PROFILE_SPECS: FieldSpecs<ProfileKey> = Object.fromEntries(PROFILE_FIELDS.map((f) => [f.key, { label: f.label }])) as FieldSpecs<ProfileKey>;

type Values = Record<ProfileKey, string>;

export const profileValues = (d: Record<ProfileKey, string | null>): Values =>
  Object.fromEntries(PROFILE_FIELDS.map((f) => [f.key, d[f.key] ?? ''])) as Values;

/** The changed fields (trimmed; '' becomes null) or the fields to fix, each with its sentence. */
export function profileChanges(values: Values, before: Values): { changes: DeviceUpdate } | { errors: Partial<Record<ProfileKey, string>> } {
  const changes: Record<string, string | null> = {};
  const errors: Partial<Record<ProfileKey, string>> = {};
  for (const f of PROFILE_FIELDS) {
    const v = values[f.key].trim();
    if (v.length > PROFILE_MAX) errors[f.key] = `${f.label} can have at most ${PROFILE_MAX} characters (now ${v.length}).`;
    else if (v !== before[f.key].trim()) {
      // A display name can be changed, not cleared: the device would silently go by its id.
      if (f.key === 'display_name' && v === '') errors[f.key] = 'Display name can’t be empty. Type a name, or keep the old one with Revert.';
      else changes[f.key] = v === '' ? null : v;
    }
  }
  return Object.keys(errors).length ? { errors } : { changes };
}

/** The profile inputs, each a Field with its sentence. */
export function ProfileInputs(props: { values: Values; fields: Partial<Record<ProfileKey, string>>; onChange: (key: ProfileKey, value: string) => void; keys?: readonly ProfileKey[] }) {
  return (
    <>
      {PROFILE_FIELDS.filter((f) => !props.keys || props.keys.includes(f.key)).map((f) => (
        <Field key={f.key} label={f.label} error={props.fields[f.key]} testId={`profile-${f.key}`}>
          {(ids) => <input {...inputProps(ids)} name={f.key} value={props.values[f.key]} autoComplete={f.autoComplete} onChange={(e) => props.onChange(f.key, e.target.value)} />}
        </Field>
      ))}
    </>
  );
}

export function DeviceProfileForm({ device }: { device: LiveDevice }) {
  const { api, store } = useConsole();
  const saved = profileValues(device);
  const [values, setValues] = useState<Values>(saved);
  const form = useForm(PROFILE_SPECS);
  const dirty = PROFILE_FIELDS.some((f) => values[f.key] !== saved[f.key]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = profileChanges(values, saved);
    if ('errors' in r) return form.refuse(r.errors);
    if (Object.keys(r.changes).length === 0) return form.say({ kind: 'ok', text: 'Nothing to save.' });
    await form.submit(async () => {
      const d = await api.updateDevice(device.id, r.changes);
      store.updateDevice(device.id, { name: d.name, display_name: d.display_name, first_name: d.first_name, last_name: d.last_name, phone: d.phone, vehicle_plate: d.vehicle_plate });
      setValues(profileValues(d));
      return 'Saved.';
    });
  }

  return (
    <form className="profile-form" onSubmit={submit} noValidate data-testid="profile-form" ref={form.formRef}>
      <ProfileInputs
        values={values}
        fields={form.fields}
        onChange={(key, value) => {
          setValues({ ...values, [key]: value });
          form.edited(key);
        }}
      />
      <FormFeedback feedback={form.feedback} testId="profile-message" />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={form.busy || !dirty}>
          {form.busy ? 'Saving…' : 'Save profile'}
        </button>
        {dirty && (
          <button
            type="button"
            onClick={() => {
              setValues(saved);
              form.say(null);
            }}
            disabled={form.busy}
          >
            Revert
          </button>
        )}
      </div>
    </form>
  );
}
