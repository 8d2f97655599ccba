/**
 * Live fleet state for the console, keyed by device id. Bursts of location updates are merged
 * per device and applied at most once per animation frame, so React and the map redraw once
 * per frame however many updates arrive. The map subscribes directly (no React render needed);
 * React components read it through `useFleet` (useSyncExternalStore on `version`).
 */
import type { DeviceStatus as PhoneStatus } from '../../../shared/protocol/device';

/** What the console reads from the last fix; the phone's own report about itself is PhoneStatus. */
export type MotionState = 'moving' | 'stopped' | 'offline';
export type { PhoneStatus };

export interface LivePosition {
  lat: number;
  lng: number;
  /** m/s */
  speed: number;
  /** degrees */
  bearing: number;
  accuracy: number | null;
  altitude: number | null;
  /** device time, epoch ms */
  time: number;
  /** the phone's own time, when the server corrected `time` because the phone's clock was wrong */
  reportedTime?: number | null;
}

export interface LiveDevice {
  id: string;
  /** resolved by the company's display-field preference */
  name: string;
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  vehicle_plate: string | null;
  disabled: boolean;
  /** what the phone last reported about itself (battery, GPS permission, duty, app…), or null */
  phoneStatus: PhoneStatus | null;
  position: LivePosition | null;
}

export type ConnectionState = 'connecting' | 'online' | 'offline';

/** Moving above this speed (m/s); ~3.6 km/h, above GPS jitter at rest. */
export const MOVING_SPEED_MS = 1;
/** No fix for this long: offline/stale. */
export const STALE_AFTER_MS = 10 * 60_000;

export function motionState(d: LiveDevice, now: number): MotionState {
  if (!d.position || now - d.position.time > STALE_AFTER_MS) return 'offline';
  return d.position.speed >= MOVING_SPEED_MS ? 'moving' : 'stopped';
}

/** `changed` holds the ids whose position or metadata changed, or 'all' after a full reload. */
export type FleetListener = (changed: ReadonlySet<string> | 'all') => void;

export class FleetStore {
  private readonly devices = new Map<string, LiveDevice>();
  private readonly pending = new Map<string, LivePosition>();
  private readonly listeners = new Set<FleetListener>();
  private flushScheduled = false;
  private list: LiveDevice[] = [];
  private listVersion = -1;
  version = 0;
  connection: ConnectionState = 'connecting';
  /** ids seen in live updates that the device list does not know yet (the console re-syncs) */
  readonly unknownIds = new Set<string>();

  constructor(private readonly schedule: (fn: () => void) => void = defaultSchedule) {}

  subscribe(listener: FleetListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** For useSyncExternalStore. */
  getVersion = (): number => this.version;

  get(id: string): LiveDevice | undefined {
    return this.devices.get(id);
  }

  /** All devices, as one array per version (stable identity between changes). */
  all(): readonly LiveDevice[] {
    if (this.listVersion !== this.version) {
      this.list = [...this.devices.values()];
      this.listVersion = this.version;
    }
    return this.list;
  }

  /** Replaces the device list (from REST), keeping any newer live position and phone status already known. */
  setDevices(devices: LiveDevice[]): void {
    const next = new Map<string, LiveDevice>();
    for (const d of devices) {
      const prev = this.devices.get(d.id);
      const known = prev?.position;
      const position = known && (!d.position || known.time > d.position.time) ? known : d.position;
      const knownStatus = prev?.phoneStatus;
      const phoneStatus = knownStatus && (!d.phoneStatus || Date.parse(knownStatus.time) > Date.parse(d.phoneStatus.time)) ? knownStatus : d.phoneStatus;
      next.set(d.id, { ...d, position, phoneStatus });
      this.unknownIds.delete(d.id);
    }
    this.devices.clear();
    for (const [id, d] of next) this.devices.set(id, d);
    this.bump('all');
  }

  /** Metadata change of one device (e.g. after a profile edit). */
  updateDevice(id: string, patch: Partial<Omit<LiveDevice, 'id'>>): void {
    const d = this.devices.get(id);
    if (!d) return;
    this.devices.set(id, { ...d, ...patch });
    this.bump(new Set([id]));
  }

  /** A live phone status report (`device_status`); an older report than the one shown is ignored. */
  applyPhoneStatus(id: string, status: PhoneStatus): void {
    const d = this.devices.get(id);
    if (!d) {
      this.unknownIds.add(id);
      this.bump(new Set());
      return;
    }
    if (d.phoneStatus && Date.parse(d.phoneStatus.time) > Date.parse(status.time)) return;
    this.devices.set(id, { ...d, phoneStatus: status });
    this.bump(new Set([id]));
  }

  /** A live position; merged with others of the same device until the next frame. */
  applyPosition(id: string, p: LivePosition): void {
    const queued = this.pending.get(id);
    if (queued && queued.time >= p.time) return;
    this.pending.set(id, p);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.schedule(() => this.flush());
    }
  }

  setConnection(state: ConnectionState): void {
    if (state === this.connection) return;
    this.connection = state;
    this.bump(new Set());
  }

  /** Applies merged positions now (also called by the scheduler). */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.size === 0) return;
    const changed = new Set<string>();
    for (const [id, p] of this.pending) {
      const d = this.devices.get(id);
      if (!d) {
        this.unknownIds.add(id);
        continue;
      }
      if (d.position && d.position.time > p.time) continue; // never move a marker backwards
      this.devices.set(id, { ...d, position: p });
      changed.add(id);
    }
    this.pending.clear();
    if (changed.size > 0 || this.unknownIds.size > 0) this.bump(changed);
  }

  private bump(changed: ReadonlySet<string> | 'all'): void {
    this.version++;
    for (const l of this.listeners) l(changed);
  }
}

function defaultSchedule(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) {
    requestAnimationFrame(() => fn());
  } else setTimeout(fn, 100);
}
