/**
 * The header at phone and tablet widths: the brand mark, the current page's title, the
 * connection dot, the open-alerts count and a menu button. The menu is a panel listing the
 * pages, who is signed in, the theme and Sign out; Escape, a press outside or choosing a page
 * closes it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useConsole } from '../../app/console-context';
import { routeHref, type Route } from '../../app/use-hash-route';
import { ThemePicker } from '../../theme/ThemePicker';
import { ConnectionState } from '../ConnectionState';
import { pageTitle } from './nav-items';
import { NavLinks } from './NavLinks';
import { useDismiss } from './use-dismiss';

export function CompactHeader(props: { route: Route; desktop: boolean; openAlerts: number; onSignOut: () => void }) {
  const { session, company, isAdmin } = useConsole();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const close = useCallback(() => {
    setOpen(false);
    button.current?.focus();
  }, []);
  useDismiss(open, ref, close);
  // A page change (a link, the back button) closes the menu.
  useEffect(() => setOpen(false), [props.route]);
  useEffect(() => {
    if (open) (panel.current?.querySelector<HTMLElement>('a.active') ?? panel.current?.querySelector<HTMLElement>('a'))?.focus();
  }, [open]);

  return (
    <header className="header header-compact" ref={ref}>
      <span className="brand-mark" aria-hidden="true" title="FleetDesk" />
      <span className="header-title">{pageTitle(props.route)}</span>
      <ConnectionState />
      {props.openAlerts > 0 && (
        <a className="nav-badge header-alerts" href={routeHref('alerts')} data-testid="alerts-badge" aria-label={`${props.openAlerts} open alerts`}>
          {props.openAlerts}
        </a>
      )}
      <button type="button" ref={button} className="menu-button" aria-label="Menu" aria-expanded={open} aria-controls="header-menu" onClick={() => (open ? close() : setOpen(true))} data-testid="menu-button">
        <span aria-hidden="true">☰</span>
      </button>
      {open && <div className="drawer-backdrop" aria-hidden="true" onClick={close} />}
      {open && (
        <div className="header-drawer" id="header-menu" ref={panel} data-testid="header-menu">
          <nav className="drawer-nav" aria-label="Pages">
            <NavLinks route={props.route} isAdmin={isAdmin} openAlerts={props.openAlerts} onNavigate={() => setOpen(false)} />
          </nav>
          <div className="drawer-user">
            <span className="avatar" aria-hidden="true">
              {session.user.id.slice(0, 1).toUpperCase()}
            </span>
            <div className="drawer-who">
              <strong>{session.user.id}</strong>
              <span>
                {session.user.role} ·{' '}
                <span data-testid="company-name" title={session.user.company}>
                  {company?.name ?? session.user.company}
                </span>
              </span>
            </div>
          </div>
          <ThemePicker />
          {!props.desktop && (
            <button type="button" className="drawer-signout" onClick={props.onSignOut} data-testid="sign-out">
              Sign out
            </button>
          )}
        </div>
      )}
    </header>
  );
}
