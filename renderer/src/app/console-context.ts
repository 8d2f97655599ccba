/** What every console view needs: the session, the REST client, the company and the user's units. */
import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client';
import type { Company } from '../../../shared/api/schemas';
import type { AlertStore } from '../components/alerts/alert-store';
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
  /** open SOS and crash alerts */
  alerts: AlertStore;
  /** a request to show a device on the map (from an alert): the map page selects it and flies there */
  focus: FocusRequest | null;
  focusDevice: (id: string, at: { lat: number; lng: number } | null) => void;
}

export interface FocusRequest {
  id: string;
  at: { lat: number; lng: number } | null;
  /** increases with every request, so asking twice for the same device flies there again */
  seq: number;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const c = useContext(ConsoleContext);
  if (!c) throw new Error('useConsole outside the console');
  return c;
}
