/**
 * The signed-in console: owns the REST client and the live socket for this session, loads the
 * company, and lays out header, connection banner and the current page.
 */
import { useEffect, useMemo, useState } from 'react';
import { ApiClient } from '../api/client';
import type { Company } from '../../../shared/api/schemas';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { Header } from '../components/Header';
import { LiveSocket } from '../live/live-socket';
import { MapPage } from '../pages/MapPage';
import { SettingsPage } from '../pages/SettingsPage';
import { UsersPage } from '../pages/UsersPage';
import { useUnits } from '../prefs/units';
import type { Session } from '../session/session';
import { fleetStore } from '../store/fleet';
import { ConsoleContext, type ConsoleContextValue } from './console-context';
import { useHashRoute } from './use-hash-route';

export function Console(props: { session: Session; baseUrl: string; desktop: boolean; onSignOut: (notice?: string) => void }) {
  const { session, baseUrl, onSignOut } = props;
  const api = useMemo(() => new ApiClient(baseUrl, session.token, () => onSignOut('Your session is no longer valid; sign in again.')), [baseUrl, session.token, onSignOut]);
  const live = useMemo(
    () => new LiveSocket({ store: fleetStore, api, userId: session.user.id, token: session.token, baseUrl, onAuthLost: onSignOut }),
    [api, session, baseUrl, onSignOut],
  );
  const [company, setCompany] = useState<Company | null>(null);
  const [units, setUnits] = useUnits(`${session.user.company}/${session.user.id}`);
  const route = useHashRoute();

  useEffect(() => {
    live.start();
    return () => {
      live.stop();
      // The store outlives the session: another account must not see this one's fleet.
      fleetStore.setDevices([]);
    };
  }, [live]);

  useEffect(() => {
    let cancelled = false;
    api.company().then(
      (c) => !cancelled && setCompany(c),
      (err: Error) => console.warn('company not loaded:', err.message),
    );
    return () => {
      cancelled = true;
    };
  }, [api]);

  const value: ConsoleContextValue = useMemo(
    () => ({ session, api, store: fleetStore, live, company, setCompany, units, setUnits, isAdmin: session.user.role === 'admin' }),
    [session, api, live, company, units, setUnits],
  );

  return (
    <ConsoleContext.Provider value={value}>
      <div className="console">
        <Header route={route} desktop={props.desktop} onSignOut={() => onSignOut('You signed out.')} />
        <ConnectionBanner />
        <main className="console-body">
          {route === 'map' && <MapPage />}
          {route === 'users' && <UsersPage />}
          {route === 'settings' && <SettingsPage />}
        </main>
      </div>
    </ConsoleContext.Provider>
  );
}
