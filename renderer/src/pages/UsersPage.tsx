/** Admins manage the company's users: drivers (the tracked devices), office users and admins. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { User } from '../../../shared/api/schemas';
import type { Role } from '../../../shared/ids';
import { useConsole } from '../app/console-context';
import { UserActions } from '../components/users/UserActions';
import { ROLE_LABEL, UserEditor } from '../components/users/UserEditor';
import { ConnectPhoneOffer } from '../components/users/ConnectPhoneOffer';
import { ConnectPhoneDialog } from '../components/phones/ConnectPhoneDialog';
import { problemText } from '../lib/form-errors';

type RoleFilter = 'all' | Role;
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

const fullName = (u: User) => [u.first_name, u.last_name].filter(Boolean).join(' ');

export function UsersPage() {
  const { api, isAdmin, live } = useConsole();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [roleFilter, setRoleFilter] = useState<RoleFilter>('all');
  const [query, setQuery] = useState('');
  /** a driver just added: offer to connect its phone at once */
  const [added, setAdded] = useState<User | null>(null);
  const [connecting, setConnecting] = useState<User | null>(null);

  const load = useCallback(() => {
    setError('');
    api.users().then(setUsers, (err: unknown) => setError(problemText(err)));
  }, [api]);
  useEffect(() => {
    if (isAdmin) load();
  }, [isAdmin, load]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (users ?? [])
      .filter((u) => roleFilter === 'all' || u.role === roleFilter)
      .filter((u) => !q || [u.id, u.display_name, fullName(u), u.phone, u.vehicle_plate].some((v) => v?.toLowerCase().includes(q)))
      .sort((a, b) => collator.compare(a.id, b.id));
  }, [users, roleFilter, query]);

  if (!isAdmin) {
    return (
      <div className="page">
        <h1>Users</h1>
        <p className="muted">Only admins manage users. Ask an admin of your company.</p>
      </div>
    );
  }

  // Drivers are the device list: keep it in step with what changed here.
  const changed = (u: User, created: boolean) => {
    setUsers((list) => (created ? [...(list ?? []), u] : (list ?? []).map((x) => (x.id === u.id ? u : x))));
    if (u.role === 'driver' || created) void live.resync();
    setNotice(created ? `Added ${ROLE_LABEL[u.role].toLowerCase()} “${u.id}”.` : '');
    setAdded(created && u.role === 'driver' ? u : null);
  };
  const nameOf = (u: User) => u.display_name || fullName(u) || u.id;
  const deleted = (id: string) => {
    setUsers((list) => (list ?? []).filter((x) => x.id !== id));
    setNotice(`Deleted “${id}”.`);
    setAdded(null);
    void live.resync();
  };
  const count = (r: RoleFilter) => (users ?? []).filter((u) => r === 'all' || u.role === r).length;

  return (
    <div className="page users-page">
      <div className="page-head">
        <h1>Users</h1>
        <div className="page-tools">
          <input
            type="search"
            className="search"
            placeholder="Search users"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setNotice('');
            }}
            aria-label="Search users"
          />
          <div className="segmented" role="group" aria-label="Filter by role">
            {(['all', 'driver', 'office', 'admin'] as const).map((r) => (
              <button key={r} type="button" className={roleFilter === r ? 'active' : undefined} aria-pressed={roleFilter === r} onClick={() => setRoleFilter(r)}>
                {r === 'all' ? 'All' : `${ROLE_LABEL[r]}s`}
                <span className="count">{count(r)}</span>
              </button>
            ))}
          </div>
          <button
            type="button"
            className="primary"
            onClick={() => {
              setEditing('new');
              setNotice('');
              setAdded(null);
            }}
            data-testid="add-user"
          >
            Add user
          </button>
        </div>
      </div>
      {notice && !added && (
        <p className="form-ok" role="status" data-testid="users-notice">
          {notice}
        </p>
      )}
      {added && (
        <ConnectPhoneOffer
          notice={notice}
          driverName={nameOf(added)}
          onConnect={() => {
            setConnecting(added);
            setAdded(null);
          }}
          onDismiss={() => setAdded(null)}
        />
      )}
      {connecting && <ConnectPhoneDialog deviceId={connecting.id} deviceName={nameOf(connecting)} onClose={() => setConnecting(null)} />}
      {error && (
        <p className="form-error" role="alert">
          Could not load users: {error}{' '}
          <button type="button" className="link-button" onClick={load}>
            Try again
          </button>
        </p>
      )}
      <div className="users-layout">
        <div className="card table-card">
          <table className="table users-table" data-testid="users-table">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Contact</th>
                <th>Status</th>
                <th className="actions-col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users === null && !error && (
                <tr>
                  <td colSpan={5} className="muted">
                    Loading…
                  </td>
                </tr>
              )}
              {users !== null && shown.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    {users.length === 0 ? 'No users yet.' : 'No users match.'}
                  </td>
                </tr>
              )}
              {shown.map((u) => (
                <tr key={u.id} data-testid="user-row" data-user-id={u.id} className={u.disabled ? 'disabled' : undefined}>
                  <td className="user-cell">
                    <strong>{nameOf(u)}</strong>
                    <div className="muted small">{u.id}</div>
                  </td>
                  <td className="role-cell">
                    <span className={`role role-${u.role}`}>{ROLE_LABEL[u.role]}</span>
                  </td>
                  <td className="small contact-cell">
                    {[u.phone, u.vehicle_plate].filter(Boolean).join(' · ') || <span className="muted">—</span>}
                  </td>
                  <td className="small status-cell">
                    {u.disabled ? <span className="tag tag-off">Disabled</span> : <span className="tag tag-on">Active</span>}
                    {u.role !== 'driver' && !u.has_password && <div className="muted">no password</div>}
                  </td>
                  <td className="actions-cell">
                    <UserActions
                      user={u}
                      onEdit={() => {
                        setEditing(u);
                        setNotice('');
                      }}
                      onConnect={() => setConnecting(u)}
                      onChanged={(x) => changed(x, false)}
                      onDeleted={deleted}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {editing && (
          <UserEditor
            key={editing === 'new' ? 'new' : editing.id}
            user={editing === 'new' ? null : editing}
            onCancel={() => setEditing(null)}
            onSaved={(u, created) => {
              changed(u, created);
              setEditing(null);
            }}
          />
        )}
      </div>
    </div>
  );
}
