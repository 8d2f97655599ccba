/**
 * What the driver app knows, shared by the engine's parts: the state the screens read (one
 * immutable snapshot per change), the IndexedDB outbox once open, and the one queue that keeps
 * the outbox's reads and writes in order.
 */
import type { AlertStatusPayload } from '../../../shared/protocol/server-messages';
import type { SavedDevice } from './device-store';
import type { Outbox } from './queue';
import type { GpsPermission } from './sensors';

export type Phase = 'loading' | 'signed-out' | 'signed-in' | 'revoked';
export type ConnState = 'connected' | 'connecting' | 'offline';
export type CrashState =
  | { phase: 'countdown'; impactAt: number; deadline: number; peak_g: number }
  | { phase: 'sending' | 'sent'; impactAt: number; peak_g: number };

export interface LastFix {
  time: number;
  lat: number;
  lng: number;
  accuracy: number;
  speedKmh: number;
}

export interface DriverState {
  phase: Phase;
  device: SavedDevice | null;
  enrolling: boolean;
  enrolError: string | null;
  conn: ConnState;
  duty: boolean;
  pending: number;
  lastFix: LastFix | null;
  gps: GpsPermission | null;
  gpsError: string | null;
  sos: 'idle' | 'sending' | 'sent';
  sosSentAt: number | null;
  crash: CrashState | null;
  /** fixes the server can never store (dropped from the queue, never resent) */
  dropped: number;
  /** the last of them: why, and when the server said so */
  lastDropped: { reason: string; message: string; at: number } | null;
  alertError: string | null;
  /** what the office did about this phone's newest alert (acknowledged, resolved), from `alert_status` */
  office: AlertStatusPayload | null;
  /** an enrolment code not redeemed because this page is not a secure context (kept for the https link) */
  insecureCode: string | null;
}

const DEFAULT_SETTINGS: SavedDevice['settings'] = { crash_threshold_g: 4, heartbeat_interval_s: 180, min_interval_ms: 1000, max_batch: 200 };

export class DriverContext {
  state: DriverState = {
    phase: 'loading',
    device: null,
    enrolling: false,
    enrolError: null,
    conn: 'connecting',
    duty: false,
    pending: 0,
    lastFix: null,
    gps: null,
    gpsError: null,
    sos: 'idle',
    sosSentAt: null,
    crash: null,
    dropped: 0,
    lastDropped: null,
    alertError: null,
    office: null,
    insecureCode: null,
  };
  /** open once init() has run */
  outbox: Outbox | null = null;
  private readonly listeners = new Set<() => void>();
  private work: Promise<void> = Promise.resolve();

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  set(patch: Partial<DriverState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }

  /** The office's settings for this phone (defaults before the first session). */
  get settings(): SavedDevice['settings'] {
    return this.state.device?.settings ?? DEFAULT_SETTINGS;
  }

  /** Runs `fn` after every earlier queued task (IndexedDB reads and writes stay in order). */
  serial(fn: () => Promise<void>): Promise<void> {
    this.work = this.work.then(fn).catch((err: unknown) => console.warn('driver app:', err));
    return this.work;
  }

  async refreshPending(): Promise<void> {
    this.set({ pending: (await this.outbox?.countFixes()) ?? 0 });
  }

  /** Where the phone is, as far as an alert needs it. */
  position(): { lat?: number; lng?: number } {
    const f = this.state.lastFix;
    return f ? { lat: f.lat, lng: f.lng } : {};
  }
}
