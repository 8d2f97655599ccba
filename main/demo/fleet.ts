/**
 * The demo company's drivers and how their vehicles start: who is parked, whose phone is
 * flaky, and where along the route each one begins. Deterministic for a given seed.
 */
import { createRng } from './rng';
import type { Route } from './route';
import type { VehicleOptions } from './vehicle';

export interface DriverProfile {
  userId: string;
  displayName: string;
  firstName: string;
  lastName: string;
  /** fictional numbers: the 0151 0000 block is not assigned to subscribers */
  phone: string;
  plate: string;
}

const NAMES: readonly [string, string][] = [
  ['Anna', 'Huber'], ['Lukas', 'Maier'], ['Sofia', 'Rossi'], ['Mehmet', 'Yılmaz'], ['Julia', 'Schneider'],
  ['Tobias', 'Bauer'], ['Katarzyna', 'Nowak'], ['Florian', 'Wagner'], ['Elena', 'Popescu'], ['Jonas', 'Fischer'],
  ['Leonie', 'Hofmann'], ['Ahmed', 'Haddad'], ['Marie', 'Schmid'], ['Stefan', 'Gruber'], ['Ivana', 'Horvat'],
  ['Maximilian', 'Weber'], ['Laura', 'Becker'], ['Dimitrios', 'Papadopoulos'], ['Sarah', 'Koch'], ['Felix', 'Zimmermann'],
  ['Aylin', 'Demir'], ['Michael', 'Schäfer'], ['Lena', 'Brunner'], ['Paolo', 'Bianchi'], ['Hannah', 'Lehmann'],
];

export const DEMO_DRIVER_COUNT = NAMES.length;

export function demoDrivers(count = DEMO_DRIVER_COUNT): DriverProfile[] {
  if (!Number.isInteger(count) || count < 1 || count > NAMES.length) throw new Error(`the demo has 1 to ${NAMES.length} drivers, not ${count}`);
  return NAMES.slice(0, count).map(([firstName, lastName], i) => {
    const n = String(i + 1).padStart(2, '0');
    return {
      userId: `van-${n}`,
      displayName: `Van ${n}`,
      firstName,
      lastName,
      phone: `+49 151 0000 ${String(4100 + i * 37).padStart(4, '0')}`,
      plate: `M-DL ${1200 + i * 7 + 1}`,
    };
  });
}

/** Which vehicles are parked all day and whose phones go silent (indexes into the fleet). */
function kindOf(i: number, count: number): VehicleOptions['kind'] {
  if (count >= 10 && i % 9 === 4) return 'parked'; // vans 05, 14, 23
  if (count >= 10 && (i === 7 || i === 18)) return 'flaky'; // vans 08, 19
  return 'delivery';
}

/** Start points spread evenly along the route, a mix of directions, a quarter already at a stop. */
export function planFleet(route: Route, count: number, seed: number): VehicleOptions[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i): VehicleOptions => ({
    kind: kindOf(i, count),
    startTau: ((i + rng.range(0.2, 0.8)) / count) * route.duration,
    direction: rng.chance(0.5) ? 1 : -1,
    startStopped: rng.chance(0.25),
  }));
}
