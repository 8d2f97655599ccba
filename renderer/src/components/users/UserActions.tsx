/**
 * The actions on one user: edit, disable/enable, reset password, revoke tokens, delete. The
 * ones that cannot be undone ask first, inline; every outcome is reported on the row.
 */
import { useState, type FormEvent } from 'react';
import type { User } from '../../../../shared/api/schemas';
import { useConsole } from '../../app/console-context';
import { useAsyncAction } from '../../lib/use-async-action';
import { FormFeedback } from '../FormFeedback';
import { PASSWORD_MIN } from './UserEditor';

type Mode = 'idle' | 'password' | 'delete' | 'revoke';

export function UserActions(props: { user: User; onEdit: () => void; onChanged: (u: User) => void; onDeleted: (id: string) => void }) {
  const { api, session } = useConsole();
  const u = props.user;
  const isSelf = u.id === session.user.id;
  const [mode, setMode] = useState<Mode>('idle');
  const [password, setPassword] = useState('');
  const action = useAsyncAction();
  const { busy, setFeedback } = action;

  /** Every outcome is reported on the row; a done action closes its inline form. */
  const run = (act: () => Promise<string>) =>
    action.run(async () => {
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
    if (password.length < PASSWORD_MIN) return setFeedback({ kind: 'error', text: `A password needs at least ${PASSWORD_MIN} characters.` });
    void run(async () => {
      props.onChanged(await api.updateUser(u.id, { password }));
      return 'Password changed.';
    });
  }

  return (
    <div className="user-actions">
      {mode === 'idle' && (
        <div className="action-buttons">
          <button type="button" onClick={props.onEdit} disabled={busy}>
            Edit
          </button>
          {!isSelf && (
            <button type="button" onClick={toggleDisabled} disabled={busy} data-testid="toggle-disabled">
              {u.disabled ? 'Enable' : 'Disable'}
            </button>
          )}
          {u.role !== 'driver' && (
            <button type="button" onClick={() => setMode('password')} disabled={busy}>
              Reset password
            </button>
          )}
          <button type="button" onClick={() => setMode('revoke')} disabled={busy}>
            Revoke tokens
          </button>
          {!isSelf && (
            <button type="button" className="danger" onClick={() => setMode('delete')} disabled={busy} data-testid="delete-user">
              Delete
            </button>
          )}
        </div>
      )}
      {mode === 'password' && (
        <form className="inline-form" onSubmit={resetPassword} noValidate>
          <input type="password" autoComplete="new-password" placeholder={`New password (${PASSWORD_MIN}+ characters)`} value={password} onChange={(e) => setPassword(e.target.value)} autoFocus aria-label={`New password for ${u.id}`} />
          <button type="submit" className="primary" disabled={busy}>
            Set password
          </button>
          <button type="button" onClick={() => setMode('idle')} disabled={busy}>
            Cancel
          </button>
        </form>
      )}
      {mode === 'revoke' && (
        <Confirm
          text={isSelf ? 'Sign out every session of yours, including this one?' : `Make every token of ${u.id} stop working? ${u.role === 'driver' ? 'The phone needs a new device token.' : 'They must sign in again.'}`}
          action="Revoke tokens"
          busy={busy}
          onNo={() => setMode('idle')}
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
          busy={busy}
          danger
          onNo={() => setMode('idle')}
          onYes={() =>
            run(async () => {
              await api.deleteUser(u.id);
              props.onDeleted(u.id);
              return 'Deleted.';
            })
          }
        />
      )}
      <FormFeedback feedback={action.feedback} />
    </div>
  );
}

function Confirm(props: { text: string; action: string; busy: boolean; danger?: boolean; onYes: () => void; onNo: () => void }) {
  return (
    <div className="confirm" role="alertdialog" aria-label={props.action}>
      <span>{props.text}</span>
      <button type="button" className={props.danger ? 'danger solid' : 'primary'} onClick={props.onYes} disabled={props.busy} data-testid="confirm-yes">
        {props.action}
      </button>
      <button type="button" onClick={props.onNo} disabled={props.busy}>
        Cancel
      </button>
    </div>
  );
}
