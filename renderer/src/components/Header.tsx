/** Top bar: brand and company, page navigation, live connection state and the user menu. */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useConsole } from '../app/console-context';
import { routeHref, type Route } from '../app/use-hash-route';
import { ConnectionState } from './ConnectionState';

const NAV: { route: Route; label: string; adminOnly?: boolean }[] = [
  { route: 'map', label: 'Map' },
  { route: 'trips', label: 'Trips' },
  { route: 'alerts', label: 'Alerts' },
  { route: 'shares', label: 'Shares' },
  { route: 'users', label: 'Users', adminOnly: true },
  { route: 'integrations', label: 'Integrations', adminOnly: true },
  { route: 'settings', label: 'Settings' },
];

export function Header(props: { route: Route; desktop: boolean; onSignOut: () => void }) {
  const { session, company, isAdmin, alerts } = useConsole();
  const open = useSyncExternalStore(alerts.subscribe, alerts.getOpen);
  const nav = useRef<HTMLElement>(null);
  // On a phone the links scroll sideways: keep the current page's in view.
  useEffect(() => {
    const show = () => nav.current?.querySelector('a.active')?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
    show();
    window.addEventListener('resize', show);
    return () => window.removeEventListener('resize', show);
  }, [props.route]);
  return (
    <header className="header">
      <div className="header-brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">FleetDesk</span>
        <span className="header-company" data-testid="company-name" title={session.user.company}>
          {company?.name ?? session.user.company}
        </span>
      </div>
      <nav className="header-nav" aria-label="Pages" ref={nav}>
        {NAV.filter((n) => !n.adminOnly || isAdmin).map((n) => (
          <a key={n.route} href={routeHref(n.route)} className={n.route === props.route ? 'active' : undefined} aria-current={n.route === props.route ? 'page' : undefined} data-testid={`nav-${n.route}`}>
            {n.label}
            {n.route === 'alerts' && open.length > 0 && (
              <span className="nav-badge" data-testid="alerts-badge" aria-label={`${open.length} open`}>
                {open.length}
              </span>
            )}
          </a>
        ))}
      </nav>
      <div className="header-right">
        <ConnectionState />
        <UserMenu desktop={props.desktop} onSignOut={props.onSignOut} />
      </div>
    </header>
  );
}

function UserMenu(props: { desktop: boolean; onSignOut: () => void }) {
  const { session } = useConsole();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="user-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="user-menu">
        <span className="avatar" aria-hidden="true">
          {session.user.id.slice(0, 1).toUpperCase()}
        </span>
        {session.user.id}
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="menu-info">
            <strong>{session.user.id}</strong>
            <span>
              {session.user.role} · {session.user.company}
            </span>
          </div>
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
