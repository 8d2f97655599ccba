/**
 * The signed-in console: owns the REST client and the live socket for this session, loads the
 * company, and lays out header, connection banner and the current page.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient } from '../api/client';
import type { Company } from '../../../shared/api/schemas';
import { playAlarm } from '../components/alerts/alarm';
import { AlertBanner } from '../components/alerts/AlertBanner';
import { AlertStore } from '../components/alerts/alert-store';
import { syncOpenAlerts } from '../components/alerts/sync-alerts';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { notifySharesChanged } from '../components/shares/shares-changed';
import { Header } from '../components/Header';
import { NotifyWarning } from '../components/integrations/NotifyWarning';
import { LiveSocket } from '../live/live-socket';
import { AlertsPage } from '../pages/AlertsPage';
import { IntegrationsPage } from '../pages/IntegrationsPage';
import { MapPage } from '../pages/MapPage';
import { TripsPage } from '../pages/TripsPage';
import { notifyNewAlert } from '../components/alerts/notify';
import { SettingsPage } from '../pages/SettingsPage';
import { SharesPage } from '../pages/SharesPage';
import { UsersPage } from '../pages/UsersPage';
import { useUnits } from '../prefs/units';
import type { Session } from '../session/session';
import { fleetStore } from '../store/fleet';
import { ConsoleContext, type ConsoleContextValue, type FocusRequest } from './console-context';
import { routePath, useHashRoute } from './use-hash-route';

const onMapPage = () => /^(#\/?)?(map([/?].*)?)?$/.test(location.hash);

export function Console(props: { session: Session; baseUrl: string; desktop: boolean; onSignOut: (notice?: string) => void }) {
  const { session, baseUrl, onSignOut } = props;
  const api = useMemo(() => new ApiClient(baseUrl, session.token, () => onSignOut('Your session is no longer valid; sign in again.')), [baseUrl, session.token, onSignOut]);
  const alerts = useMemo(() => new AlertStore(), []);
  const live = useMemo(() => {
    const onAlert = (a: Parameters<AlertStore['apply']>[0]) => {
      if (alerts.isNew(a)) {
        playAlarm();
        void notifyNewAlert(a, socket);
      }
      alerts.apply(a);
    };
    // After every (re)connect: the open alerts, including any raised while the socket was down.
    // …and the shares, whose changes meanwhile were missed; while online, each change is announced.
    const onOnline = () => {
      void syncOpenAlerts(api, alerts, socket);
      notifySharesChanged();
    };
    const onShareChange = () => notifySharesChanged();
    const socket: LiveSocket = new LiveSocket({ store: fleetStore, api, userId: session.user.id, token: session.token, baseUrl, onAuthLost: onSignOut, onAlert, onShareChange, onOnline });
    return socket;
  }, [api, session, baseUrl, onSignOut, alerts]);
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const focusDevice = useCallback((id: string, at: FocusRequest['at']) => {
    setFocus((f) => ({ id, at, seq: Math.max((f?.seq ?? 0) + 1, Date.now()) }));
    // From another page: open the map on the device (the map page then centres the alert's position).
    if (!onMapPage()) location.hash = routePath('map', id);
  }, []);
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
    () => ({ session, api, store: fleetStore, live, company, setCompany, units, setUnits, isAdmin: session.user.role === 'admin', alerts, focus, focusDevice }),
    [session, api, live, company, units, setUnits, alerts, focus, focusDevice],
  );

  return (
    <ConsoleContext.Provider value={value}>
      <div className="console">
        <Header route={route} desktop={props.desktop} onSignOut={() => onSignOut('You signed out.')} />
        <ConnectionBanner />
        <NotifyWarning />
        <AlertBanner />
        <main className="console-body">
          {route === 'map' && <MapPage />}
          {route === 'trips' && <TripsPage />}
          {route === 'alerts' && <AlertsPage />}
          {route === 'shares' && <SharesPage />}
          {route === 'users' && <UsersPage />}
          {route === 'integrations' && <IntegrationsPage />}
          {route === 'settings' && <SettingsPage />}
        </main>
      </div>
    </ConsoleContext.Provider>
  );
}
