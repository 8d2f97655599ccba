/**
 * The actions on one user, in one menu (UserActionsMenu): edit, reset password, disable/enable, connect
 * a phone (drivers), revoke tokens, delete. The ones that cannot be undone ask first, inline;
 * every outcome is reported on the row.
 */
import { useState, type FormEvent } from 'react';
import type { User } from '../../../../shared/api/schemas';
import { useConsole } from '../../app/console-context';
import type { FieldSpecs } from '../../lib/form-errors';
import { useForm } from '../../lib/use-form';
import { Field, inputProps } from '../Field';
import { FormFeedback } from '../FormFeedback';
import { PASSWORD_MIN } from './UserEditor';
import { UserActionsMenu, type MenuItem } from './UserActionsMenu';

type Mode = 'idle' | 'password' | 'delete' | 'revoke';
const SPECS: FieldSpecs<'password'> = { password: { label: 'New password' } };

export function UserActions(props: { user: User; onEdit: () => void; onConnect: () => void; onChanged: (u: User) => void; onDeleted: (id: string) => void }) {
  const { api, session } = useConsole();
  const u = props.user;
  const isSelf = u.id === session.user.id;
  const [mode, setMode] = useState<Mode>('idle');
  const [password, setPassword] = useState('');
  const form = useForm(SPECS, { NotFound: 'This user no longer exists. Reload the page.' });

  /** Every outcome is reported on the row; a done action closes its inline form. */
  const run = (act: () => Promise<string>) =>
    form.submit(async () => {
      const done = await act();
      setMode('idle');
      setPassword('');
      return done;
    });

  const toggleDisabled = () =>
    run(async () => {
      props.onChanged(await api.updateUser(u.id, { disabled: !u.disabled }));
      return u.disabled ? 'Enabled.' : 'Disabled; its sessions and tokens stop working.';
    });

  function resetPassword(e: FormEvent) {
    e.preventDefault();
    if (password.length < PASSWORD_MIN) return form.refuse({ password: `A password needs at least ${PASSWORD_MIN} characters.` });
    void run(async () => {
      props.onChanged(await api.updateUser(u.id, { password }));
      return 'Password changed.';
    });
  }

  const choose = (next: Mode) => {
    form.say(null);
    setMode(next);
  };
  const items: MenuItem[] = [
    { id: 'edit', label: 'Edit', onSelect: () => (form.say(null), props.onEdit()) },
    ...(u.role !== 'driver' ? [{ id: 'password', label: 'Reset password', onSelect: () => choose('password') }] : []),
    ...(u.role === 'driver' ? [{ id: 'connect', label: 'Connect a phone', onSelect: () => (form.say(null), props.onConnect()) }] : []),
    ...(!isSelf ? [{ id: 'disable', label: u.disabled ? 'Enable' : 'Disable', onSelect: () => void toggleDisabled() }] : []),
    { id: 'revoke', label: 'Revoke tokens', onSelect: () => choose('revoke') },
    ...(!isSelf ? [{ id: 'delete', label: 'Delete…', danger: true, onSelect: () => choose('delete') }] : []),
  ];

  return (
    <div className="user-actions">
      {mode === 'idle' && <UserActionsMenu label={`Actions for ${u.id}`} items={items} disabled={form.busy} />}
      {mode === 'password' && (
        <form className="inline-form" onSubmit={resetPassword} noValidate ref={form.formRef}>
          <Field label={`New password for ${u.id}`} error={form.fields.password} testId="reset-password-field">
            {(ids) => (
              <input
                {...inputProps(ids)}
                type="password"
                autoComplete="new-password"
                placeholder={`${PASSWORD_MIN}+ characters`}
                value={password}
                onChange={(e) => {
                  setPassword(e.target.value);
                  form.edited('password');
                }}
                autoFocus
              />
            )}
          </Field>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={form.busy}>
              Set password
            </button>
            <button type="button" onClick={() => choose('idle')} disabled={form.busy}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {mode === 'revoke' && (
        <Confirm
          text={isSelf ? 'Sign out every session of yours, including this one?' : `Make every token of ${u.id} stop working? ${u.role === 'driver' ? 'The phone needs a new device token.' : 'They must sign in again.'}`}
          action="Revoke tokens"
          busy={form.busy}
          onNo={() => choose('idle')}
          onYes={() =>
            run(async () => {
              await api.revokeTokens(u.id);
              return 'Tokens revoked.';
            })
          }
        />
      )}
      {mode === 'delete' && (
        <Confirm
          text={`Delete ${u.id}?${u.role === 'driver' ? ' Its position history is deleted with it.' : ''} This cannot be undone.`}
          action="Delete"
          busy={form.busy}
          danger
          onNo={() => choose('idle')}
          onYes={() =>
            run(async () => {
              await api.deleteUser(u.id);
              props.onDeleted(u.id);
              return 'Deleted.';
            })
          }
        />
      )}
      <FormFeedback feedback={form.feedback} testId="user-action-message" />
    </div>
  );
}

function Confirm(props: { text: string; action: string; busy: boolean; danger?: boolean; onYes: () => void; onNo: () => void }) {
  return (
    <div className="confirm" role="alertdialog" aria-label={props.action}>
      <span>{props.text}</span>
      <div className="form-actions">
        <button type="button" className={props.danger ? 'danger solid' : 'primary'} onClick={props.onYes} disabled={props.busy} data-testid="confirm-yes">
          {props.action}
        </button>
        <button type="button" onClick={props.onNo} disabled={props.busy} autoFocus>
          Cancel
        </button>
      </div>
    </div>
  );
}
