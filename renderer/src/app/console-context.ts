/** What every console view needs: the session, the REST client, the company and the user's units. */
import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client';
import type { Company } from '../../../shared/api/schemas';
import type { LiveSocket } from '../live/live-socket';
import type { SpeedUnit } from '../prefs/units';
import type { Session } from '../session/session';
import type { FleetStore } from '../store/fleet-store';

export interface ConsoleContextValue {
  session: Session;
  api: ApiClient;
  store: FleetStore;
  live: LiveSocket;
  company: Company | null;
  setCompany: (c: Company) => void;
  units: SpeedUnit;
  setUnits: (u: SpeedUnit) => void;
  isAdmin: boolean;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const c = useContext(ConsoleContext);
  if (!c) throw new Error('useConsole outside the console');
  return c;
}
