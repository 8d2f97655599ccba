/**
 * Top bar: brand and company, page navigation, live connection state and the user menu. Below
 * COMPACT_QUERY's width the compact header (header/CompactHeader.tsx) takes its place: only one
 * of the two is rendered, so each testid exists once.
 */
import { useSyncExternalStore } from 'react';
import { useConsole } from '../app/console-context';
import type { Route } from '../app/use-hash-route';
import { ConnectionState } from './ConnectionState';
import { CompactHeader } from './header/CompactHeader';
import { NavLinks } from './header/NavLinks';
import { useMediaQuery } from '../lib/use-media-query';
import { UserMenu } from './header/UserMenu';

/** The full bar needs about this much for an admin's seven links, the company and the user menu. */
export const COMPACT_QUERY = '(max-width: 959px)';

export function Header(props: { route: Route; desktop: boolean; onSignOut: () => void }) {
  const { session, company, isAdmin, alerts } = useConsole();
  const open = useSyncExternalStore(alerts.subscribe, alerts.getOpen);
  const compact = useMediaQuery(COMPACT_QUERY);
  if (compact) return <CompactHeader route={props.route} desktop={props.desktop} openAlerts={open.length} onSignOut={props.onSignOut} />;
  return (
    <header className="header">
      <div className="header-brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">FleetDesk</span>
        <span className="header-company" data-testid="company-name" title={session.user.company}>
          {company?.name ?? session.user.company}
        </span>
      </div>
      <nav className="header-nav" aria-label="Pages">
        <NavLinks route={props.route} isAdmin={isAdmin} openAlerts={open.length} badgeTestId="alerts-badge" />
      </nav>
      <div className="header-right">
        <ConnectionState />
        <UserMenu desktop={props.desktop} onSignOut={props.onSignOut} />
      </div>
    </header>
  );
}
