/** The console's pages as the header lists them, in order; some only for admins. */
import type { Route } from '../../app/use-hash-route';

export interface NavItem {
  route: Route;
  label: string;
  adminOnly?: boolean;
}

const NAV: NavItem[] = [
  { route: 'map', label: 'Map' },
  { route: 'trips', label: 'Trips' },
  { route: 'alerts', label: 'Alerts' },
  { route: 'shares', label: 'Shares' },
  { route: 'users', label: 'Users', adminOnly: true },
  { route: 'integrations', label: 'Integrations', adminOnly: true },
  { route: 'settings', label: 'Settings' },
];

export const navItems = (isAdmin: boolean): NavItem[] => NAV.filter((n) => !n.adminOnly || isAdmin);

export const pageTitle = (route: Route): string => NAV.find((n) => n.route === route)?.label ?? '';
