/** The console's one live fleet store: the live socket writes it; the list, panel and map read it. */
import { FleetStore } from './fleet-store';

export const fleetStore = new FleetStore();
