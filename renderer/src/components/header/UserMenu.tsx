/** The desktop header's user menu: who is signed in, the theme, and Sign out (not in the desktop app). */
import { useCallback, useRef, useState } from 'react';
import { useConsole } from '../../app/console-context';
import { ThemePicker } from '../../theme/ThemePicker';
import { useDismiss } from './use-dismiss';

export function UserMenu(props: { desktop: boolean; onSignOut: () => void }) {
  const { session } = useConsole();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, ref, close);

  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="user-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="user-menu">
        <span className="avatar" aria-hidden="true">
          {session.user.id.slice(0, 1).toUpperCase()}
        </span>
        <span className="user-name">{session.user.id}</span>
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="menu-info">
            <strong>{session.user.id}</strong>
            <span>
              {session.user.role} · {session.user.company}
            </span>
          </div>
          <ThemePicker />
          {!props.desktop && (
            <button type="button" role="menuitem" onClick={props.onSignOut} data-testid="sign-out">
              Sign out
            </button>
          )}
        </div>
      )}
    </div>
  );
}
