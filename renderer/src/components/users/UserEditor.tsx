/** Add a user (driver, office or admin) or edit one's role and profile. Errors show inline. */
import { useState, type FormEvent } from 'react';
import type { User, UserCreate, UserUpdate } from '../../../../shared/api/schemas';
import type { Role } from '../../../../shared/ids';
import { useConsole } from '../../app/console-context';
import { useAsyncAction } from '../../lib/use-async-action';
import { FormFeedback } from '../FormFeedback';
import { PROFILE_FIELDS, profileChanges, profileValues } from '../DeviceProfileForm';

export const ROLE_LABEL: Record<Role, string> = { driver: 'Driver', office: 'Office', admin: 'Admin' };
/** The same rules as the server (shared/ids.ts ID_PATTERN, PASSWORD_MIN), checked before sending. */
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const PASSWORD_MIN = 8;

export function UserEditor(props: { user: User | null; onSaved: (u: User, created: boolean) => void; onCancel: () => void }) {
  const { api, session } = useConsole();
  const editing = props.user;
  const [id, setId] = useState('');
  const [role, setRole] = useState<Role>(editing?.role ?? 'driver');
  const [password, setPassword] = useState('');
  const [values, setValues] = useState(profileValues(editing ?? { display_name: null, first_name: null, last_name: null, phone: null, vehicle_plate: null }));
  const { busy, feedback, setFeedback, run } = useAsyncAction();
  const setError = (text: string) => setFeedback({ kind: 'error', text });
  const isSelf = editing?.id === session.user.id;

  function validate(): string | null {
    if (!editing) {
      if (!id.trim()) return 'Enter a user id.';
      if (!ID_RE.test(id.trim())) return 'User ids use letters, digits, “_”, “.” and “-”, start with a letter or digit, and have at most 64 characters.';
      if (role !== 'driver' && password.length < PASSWORD_MIN) return `Office and admin users need a password of at least ${PASSWORD_MIN} characters.`;
    }
    return null;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const invalid = validate();
    if (invalid) return setError(invalid);
    const before = profileValues(editing ?? { display_name: null, first_name: null, last_name: null, phone: null, vehicle_plate: null });
    const diff = profileChanges(values, before);
    if ('error' in diff) return setError(diff.error);
    await run(async () => {
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
    <form className="card user-editor" onSubmit={submit} noValidate data-testid="user-editor">
      <h2>{editing ? `Edit ${editing.id}` : 'Add user'}</h2>
      {!editing && (
        <label>
          User id
          <input name="id" value={id} onChange={(e) => setId(e.target.value)} autoFocus placeholder="e.g. DR_17 or jane" />
        </label>
      )}
      <fieldset className="role-choice" disabled={isSelf}>
        <legend>Role</legend>
        {(['driver', 'office', 'admin'] as const).map((r) => (
          <label key={r} className="radio">
            <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} />
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
        <label>
          Password
          <input name="password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} placeholder={`at least ${PASSWORD_MIN} characters`} />
        </label>
      )}
      <div className="form-grid">
        {PROFILE_FIELDS.filter((f) => role === 'driver' || f.key !== 'vehicle_plate').map((f) => (
          <label key={f.key}>
            {f.label}
            <input name={f.key} value={values[f.key]} onChange={(e) => setValues({ ...values, [f.key]: e.target.value })} />
          </label>
        ))}
      </div>
      <FormFeedback feedback={feedback} testId="user-editor-error" />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save changes' : `Add ${ROLE_LABEL[role].toLowerCase()}`}
        </button>
        <button type="button" onClick={props.onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
