/** The page links (in the desktop bar, or listed in the phone menu), with the open-alerts count on Alerts. */
import type { Route } from '../../app/use-hash-route';
import { routeHref } from '../../app/use-hash-route';
import { navItems } from './nav-items';

export function NavLinks(props: { route: Route; isAdmin: boolean; openAlerts: number; /** the bar's badge carries the alerts-badge testid */ badgeTestId?: string; onNavigate?: () => void }) {
  return (
    <>
      {navItems(props.isAdmin).map((n) => (
        <a
          key={n.route}
          href={routeHref(n.route)}
          className={n.route === props.route ? 'active' : undefined}
          aria-current={n.route === props.route ? 'page' : undefined}
          data-testid={`nav-${n.route}`}
          onClick={props.onNavigate}
        >
          {n.label}
          {n.route === 'alerts' && props.openAlerts > 0 && (
            <span className="nav-badge" data-testid={props.badgeTestId} aria-label={`${props.openAlerts} open`}>
              {props.openAlerts}
            </span>
          )}
        </a>
      ))}
    </>
  );
}
