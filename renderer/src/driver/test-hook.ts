/**
 * `window.__fleetdeskDriver`: lets the end-to-end tests read what the app produced and what it
 * still queues (IndexedDB), instead of guessing from the screen.
 */
import type { DriverState } from './driver-state';
import type { DriverEngine } from './engine';
import type { ProducedFix } from './position-watch';
import type { QueuedFix } from './wire';

export interface DriverTestHook {
  produced: ProducedFix[];
  state(): DriverState;
  queued(): Promise<QueuedFix[]>;
}

declare global {
  interface Window {
    __fleetdeskDriver?: DriverTestHook;
  }
}

export function installTestHook(engine: DriverEngine): void {
  window.__fleetdeskDriver = { produced: engine.produced, state: () => engine.state, queued: engine.queued };
}
