/** Add a user (driver, office or admin) or edit one's role and profile. Errors show at their field. */
import { useState, type FormEvent } from 'react';
import type { User, UserCreate, UserUpdate } from '../../../../shared/api/schemas';
import type { Role } from '../../../../shared/ids';
import { useConsole } from '../../app/console-context';
import type { FieldSpecs } from '../../lib/form-errors';
import { useForm } from '../../lib/use-form';
import { Field, inputProps } from '../Field';
import { FormFeedback } from '../FormFeedback';
import { PROFILE_SPECS, ProfileInputs, profileChanges, profileValues, type ProfileKey } from '../DeviceProfileForm';

export const ROLE_LABEL: Record<Role, string> = { driver: 'Driver', office: 'Office', admin: 'Admin' };
/** The same rules as the server (shared/ids.ts ID_PATTERN, PASSWORD_MIN), checked before sending. */
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const PASSWORD_MIN = 8;
const ID_FORM = 'letters, digits, “_”, “.” and “-”, start with a letter or digit, and have at most 64 characters';

type Key = 'id' | 'role' | 'password' | ProfileKey;
const SPECS: FieldSpecs<Key> = { id: { label: 'User id', form: ID_FORM }, role: { label: 'Role' }, password: { label: 'Password' }, ...PROFILE_SPECS };
const EMPTY = { display_name: null, first_name: null, last_name: null, phone: null, vehicle_plate: null };

export function UserEditor(props: { user: User | null; onSaved: (u: User, created: boolean) => void; onCancel: () => void }) {
  const { api, session } = useConsole();
  const editing = props.user;
  const [id, setId] = useState('');
  const [role, setRole] = useState<Role>(editing?.role ?? 'driver');
  const [password, setPassword] = useState('');
  const [values, setValues] = useState(profileValues(editing ?? EMPTY));
  const form = useForm<Key>(SPECS, {
    Conflict: { field: 'id', text: `A user named ${id.trim()} already exists. Choose another name.` },
    NotFound: 'This user no longer exists. Close this and reload the list.',
  });
  const isSelf = editing?.id === session.user.id;

  function problems(): Partial<Record<Key, string>> {
    const out: Partial<Record<Key, string>> = {};
    if (!editing) {
      if (!id.trim()) out.id = 'Enter a user id, e.g. DR_17 or jane.';
      else if (!ID_RE.test(id.trim())) out.id = `User ids use ${ID_FORM}.`;
      if (role !== 'driver' && password.length < PASSWORD_MIN) out.password = `Office and admin users need a password of at least ${PASSWORD_MIN} characters.`;
    }
    return out;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const diff = profileChanges(values, profileValues(editing ?? EMPTY));
    const bad = { ...problems(), ...('errors' in diff ? diff.errors : {}) };
    if (Object.keys(bad).length || 'errors' in diff) return form.refuse(bad);
    await form.submit(async () => {
      if (editing) {
        const changes: UserUpdate = { ...diff.changes };
        if (role !== editing.role) changes.role = role;
        if (Object.keys(changes).length === 0) return props.onCancel();
        props.onSaved(await api.updateUser(editing.id, changes), false);
      } else {
        const body: UserCreate = { id: id.trim(), role, ...diff.changes };
        if (role !== 'driver') body.password = password;
        props.onSaved(await api.addUser(body), true);
      }
    });
  }

  return (
    <form className="card user-editor" onSubmit={submit} noValidate data-testid="user-editor" ref={form.formRef}>
      <h2>{editing ? `Edit ${editing.id}` : 'Add user'}</h2>
      {!editing && (
        <Field label="User id" error={form.fields.id} testId="user-id-field">
          {(ids) => (
            <input
              {...inputProps(ids)}
              name="id"
              value={id}
              onChange={(e) => {
                setId(e.target.value);
                form.edited('id');
              }}
              autoFocus
              placeholder="e.g. DR_17 or jane"
            />
          )}
        </Field>
      )}
      <fieldset className="role-choice" disabled={isSelf}>
        <legend>Role</legend>
        {(['driver', 'office', 'admin'] as const).map((r) => (
          <label key={r} className="radio">
            <input
              type="radio"
              name="role"
              value={r}
              checked={role === r}
              onChange={() => {
                setRole(r);
                form.edited('role');
              }}
            />
            {ROLE_LABEL[r]}
          </label>
        ))}
      </fieldset>
      <p className="hint">
        {role === 'driver'
          ? 'A driver is a tracked device: it connects with a device token, not a password.'
          : role === 'office'
            ? 'Office users watch the fleet and edit devices.'
            : 'Admins also manage users and company settings.'}
        {isSelf && ' You cannot change your own role.'}
        {editing && editing.role === 'driver' && role !== 'driver' && ' Set a password afterwards with “Reset password”.'}
      </p>
      {!editing && role !== 'driver' && (
        <Field label="Password" error={form.fields.password} testId="user-password-field">
          {(ids) => (
            <input
              {...inputProps(ids)}
              name="password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                form.edited('password');
              }}
              placeholder={`at least ${PASSWORD_MIN} characters`}
            />
          )}
        </Field>
      )}
      <div className="form-grid">
        <ProfileInputs
          values={values}
          fields={form.fields}
          keys={role === 'driver' ? undefined : ['display_name', 'first_name', 'last_name', 'phone']}
          onChange={(key, value) => {
            setValues({ ...values, [key]: value });
            form.edited(key);
          }}
        />
      </div>
      <FormFeedback feedback={form.feedback} testId="user-editor-error" />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={form.busy}>
          {form.busy ? 'Saving…' : editing ? 'Save changes' : `Add ${ROLE_LABEL[role].toLowerCase()}`}
        </button>
        <button type="button" onClick={props.onCancel} disabled={form.busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
