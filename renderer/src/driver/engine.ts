/**
 * The driver app's engine: sign-in, the socket with reconnects, duty (position watch → outbox →
 * live or batched sending, acks), heartbeats, SOS and crash alerts. The UI only reads `state`
 * and calls the public methods; the pure parts live in wire.ts and crash-detector.ts.
 */
import type { AlertPayload } from '../../../shared/protocol/device';
import type { ServerMessage } from '../../../shared/protocol/tracking';
import { DriverApiError, enrol, newSession } from './api';
import { CrashDetector, RecentFixes, type CrashReport, type MotionSample } from './crash-detector';
import { forgetDevice, loadDevice, loadDuty, saveDevice, saveDuty, type SavedDevice } from './device-store';
import { codeFromHash } from './enrol-code';
import { Outbox, type QueuedAlert } from './queue';
import { battery, gpsPermission, requestMotionPermission, watchMotion, watchPosition, type GpsPermission } from './sensors';
import { TrackSocket } from './socket';
import { backoffMs, FixThrottle, planSends, toPayload, type QueuedFix } from './wire';

export const APP_NAME = `FleetDesk driver ${__FLEETDESK_VERSION__}`;

/** Alert kinds' countdown: a crash alert goes out this long after the impact unless cancelled. */
export const CRASH_CANCEL_MS = 10_000;
/** In-flight messages unacknowledged this long are sent again (the server dedupes fixes). */
const RESEND_AFTER_MS = 30_000;
const MAX_BATCHES_IN_FLIGHT = 2;
const LAST_FIX_KEY = 'fleetdesk.driver.lastFixAt';

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
  /** an enrolment code not redeemed because this page is not a secure context (kept for the https link) */
  insecureCode: string | null;
}

interface InFlight {
  kind: 'live' | 'batch';
  fixes: number[];
  sentAt: number;
}

/** What the end-to-end tests read (window.__fleetdeskDriver). */
export interface ProducedFix {
  seq: number;
  timestamp: string;
  lat: number;
  lng: number;
}

export class DriverEngine {
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
    insecureCode: null,
  };
  readonly produced: ProducedFix[] = [];
  private readonly listeners = new Set<() => void>();
  private outbox: Outbox | null = null;
  private socket: TrackSocket | null = null;
  private token: { value: string; expiresAt: number } | null = null;
  private attempt = 0;
  /** a session request is under way (the `online` event and the retry timer may both call connect) */
  private connecting = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private pumpTimer: ReturnType<typeof setInterval> | null = null;
  private stopGeo: (() => void) | null = null;
  private stopMotion: (() => void) | null = null;
  private throttle = new FixThrottle(1000);
  private readonly inFlight = new Map<number, InFlight>();
  private readonly fixesInFlight = new Set<number>();
  private readonly alertsInFlight = new Map<number, QueuedAlert['payload']['kind']>();
  private lastLiveAt = 0;
  private detector: CrashDetector | null = null;
  private crashReport: CrashReport | null = null;
  private crashTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly recent = new RecentFixes<QueuedFix['payload']>();
  private work: Promise<void> = Promise.resolve();

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getState = (): DriverState => this.state;

  /** The fixes still waiting in IndexedDB, oldest first. */
  queued = (): Promise<QueuedFix[]> => this.outbox?.fixes() ?? Promise.resolve([]);

  private set(patch: Partial<DriverState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }

  private get settings(): SavedDevice['settings'] {
    return this.state.device?.settings ?? { crash_threshold_g: 4, heartbeat_interval_s: 180, min_interval_ms: 1000, max_batch: 200 };
  }

  /** Runs `fn` after every earlier queued task (IndexedDB reads and writes stay in order). */
  private serial(fn: () => Promise<void>): Promise<void> {
    this.work = this.work.then(fn).catch((err: unknown) => console.warn('driver app:', err));
    return this.work;
  }

  async init(): Promise<void> {
    this.outbox = await Outbox.open();
    window.addEventListener('online', () => this.onOnline());
    window.addEventListener('offline', () => this.onOffline());
    void gpsPermission((gps) => this.set({ gps })).then((gps) => this.set({ gps }));
    const code = this.takeCode();
    // A link opened while the app is already open in this tab changes only the fragment.
    window.addEventListener('hashchange', () => {
      const next = this.takeCode();
      if (next) void this.enrolWith(next);
    });
    const device = loadDevice();
    this.set({ device, phase: device ? 'signed-in' : 'signed-out', pending: await this.outbox.countFixes() });
    if (code && !window.isSecureContext) {
      // Redeeming it here would spend the link on a page that gets no position: pass it on to https.
      this.set({ insecureCode: code });
      return;
    }
    if (code) {
      await this.enrolWith(code);
      return;
    }
    if (device) this.begin();
  }

  /** The enrolment code in the address; it is single-use, so it leaves the address bar (and the history) before it is sent. */
  private takeCode(): string | null {
    const code = codeFromHash(location.hash);
    if (code) history.replaceState(null, '', location.pathname + location.search);
    return code;
  }

  /** Redeems an enrolment code (from the link or pasted). */
  async enrolWith(code: string): Promise<void> {
    this.set({ enrolling: true, enrolError: null });
    try {
      const session = await enrol(code);
      const previous = this.state.device;
      if (previous && previous.user_id !== session.user_id) await this.outbox?.clear();
      this.stopAll();
      const device = saveDevice(session);
      this.token = { value: session.token, expiresAt: Date.parse(session.expires_at) };
      this.set({ device, phase: 'signed-in', enrolling: false, pending: (await this.outbox?.countFixes()) ?? 0 });
      this.begin();
    } catch (err) {
      this.set({ enrolling: false, enrolError: enrolMessage(err) });
    }
  }

  /** Forgets this phone's enrolment and its queue (offered when the office disconnected it). */
  async clearPhone(): Promise<void> {
    this.stopAll();
    saveDuty(false);
    forgetDevice();
    await this.outbox?.clear();
    this.token = null;
    this.set({ phase: 'signed-out', device: null, duty: false, pending: 0, conn: 'connecting', lastFix: null, sos: 'idle', crash: null });
  }

  private begin(): void {
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.settings.heartbeat_interval_s * 1000);
    this.pumpTimer = setInterval(() => this.tick(), 5000);
    if (loadDuty()) this.startWatchers();
    this.set({ duty: loadDuty() });
    void this.connect();
  }

  private stopAll(): void {
    this.stopWatchers();
    for (const t of [this.heartbeatTimer, this.pumpTimer]) if (t) clearInterval(t);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.heartbeatTimer = this.pumpTimer = this.reconnectTimer = null;
    this.dropSocket();
  }

  // ---- connection ----

  private async connect(): Promise<void> {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const device = this.state.device;
    if (this.state.phase !== 'signed-in' || !device || this.socket) return;
    if (!navigator.onLine) return this.set({ conn: 'offline' });
    this.set({ conn: 'connecting' });
    if (!this.token || this.token.expiresAt - Date.now() < 60_000) {
      if (this.connecting) return;
      this.connecting = true;
      try {
        const s = await newSession(device.device_key);
        this.token = { value: s.token, expiresAt: Date.parse(s.expires_at) };
        // The office may have renamed the driver or changed the settings.
        this.set({ device: saveDevice(s) });
      } catch (err) {
        if (err instanceof DriverApiError && err.status === 401) return this.revoke();
        return this.retryLater();
      } finally {
        this.connecting = false;
      }
      if (this.state.phase !== 'signed-in' || this.socket || !navigator.onLine) return;
    }
    this.socket = new TrackSocket(device.user_id, this.token.value, {
      onAuthenticated: () => this.onAuthenticated(),
      onMessage: (m) => this.onMessage(m),
      onClose: (code, unauthorized) => this.onClose(code, unauthorized),
    });
  }

  private retryLater(): void {
    if (this.state.phase !== 'signed-in') return;
    this.set({ conn: navigator.onLine ? 'connecting' : 'offline' });
    if (!navigator.onLine) return; // the `online` event reconnects
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), backoffMs(this.attempt++));
  }

  private dropSocket(): void {
    this.socket?.close();
    this.socket = null;
    this.inFlight.clear();
    this.fixesInFlight.clear();
    this.alertsInFlight.clear();
  }

  private onAuthenticated(): void {
    this.attempt = 0;
    this.set({ conn: 'connected' });
    void this.sendAlerts();
    void this.pump();
    void this.heartbeat();
  }

  private onClose(code: number, unauthorized: boolean): void {
    this.dropSocket();
    // 4001: the token expired; 4003: access revoked (a rotated key, a disabled driver) or refused
    // tokens: ask for a new token with the device key, which tells whether the key still works.
    if (unauthorized || code === 4001 || code === 4003) this.token = null;
    this.retryLater();
  }

  private revoke(): void {
    this.stopAll();
    this.set({ phase: 'revoked', conn: 'offline' });
  }

  private onOnline(): void {
    this.attempt = 0;
    void this.connect();
  }

  private onOffline(): void {
    // Browsers keep a dead socket open for minutes: drop it now and queue until `online`.
    this.dropSocket();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.state.phase === 'signed-in') this.set({ conn: 'offline' });
  }

  private send(msg: object): boolean {
    return this.socket?.send(msg) ?? false;
  }

  // ---- duty and positions ----

  /** Called from the button's click handler: the motion permission needs the user gesture. */
  startDuty(): void {
    const motion = requestMotionPermission();
    saveDuty(true);
    this.set({ duty: true });
    void motion.then(() => this.startWatchers());
    void this.heartbeat();
  }

  stopDuty(): void {
    saveDuty(false);
    this.stopWatchers();
    this.set({ duty: false });
    void this.heartbeat();
    void this.pump();
  }

  private startWatchers(): void {
    if (this.stopGeo) return;
    const s = this.settings;
    const last = Number(localStorage.getItem(LAST_FIX_KEY));
    this.throttle = new FixThrottle(s.min_interval_ms, Number.isFinite(last) && last > 0 ? last : null);
    this.detector = new CrashDetector({ thresholdG: s.crash_threshold_g });
    this.stopGeo = watchPosition(
      (p) => this.onPosition(p),
      (e) => this.set(e.code === 1 ? { gps: 'denied', gpsError: 'Location access is blocked for this site. Allow it in the browser settings.' } : { gpsError: e.message || 'no position yet' }),
    );
    this.stopMotion = watchMotion((m) => this.onMotion(m));
  }

  private stopWatchers(): void {
    this.stopGeo?.();
    this.stopMotion?.();
    this.stopGeo = this.stopMotion = null;
  }

  private onPosition(p: GeolocationPosition): void {
    const payload = toPayload(p);
    const lastFix = { time: p.timestamp, lat: payload.lat, lng: payload.lng, accuracy: payload.accuracy ?? 0, speedKmh: payload.speed };
    this.set({ lastFix, gpsError: null, gps: 'granted' });
    if (!this.throttle.accept(p.timestamp) || !this.outbox) return;
    localStorage.setItem(LAST_FIX_KEY, String(p.timestamp));
    const fix: QueuedFix = { seq: this.outbox.nextSeq(), payload };
    this.recent.add(payload);
    this.produced.push({ seq: fix.seq, timestamp: payload.timestamp, lat: payload.lat, lng: payload.lng });
    void this.serial(async () => {
      await this.outbox?.putFix(fix);
      await this.refreshPending();
    }).then(() => this.pump());
  }

  private async refreshPending(): Promise<void> {
    this.set({ pending: (await this.outbox?.countFixes()) ?? 0 });
  }

  /** Sends what is queued and not in flight: the newest live, a backlog in batches. */
  private pump(): Promise<void> {
    return this.serial(async () => {
      if (!this.socket?.ready || !this.outbox || !this.state.device) return;
      const s = this.settings;
      const pending = await this.outbox.fixes();
      const batchesInFlight = [...this.inFlight.values()].filter((f) => f.kind === 'batch').length;
      const plans = planSends(pending, this.fixesInFlight, {
        maxBatch: s.max_batch,
        maxBatches: MAX_BATCHES_IN_FLIGHT,
        batchesInFlight,
        liveAllowed: Date.now() - this.lastLiveAt >= s.min_interval_ms,
      });
      const id = this.state.device.user_id;
      for (const plan of plans) {
        const now = Date.now();
        if (plan.kind === 'live') {
          if (!this.send({ action: 'driver_location', id, seq: plan.fix.seq, payload: plan.fix.payload })) return;
          this.lastLiveAt = now;
          this.track(plan.fix.seq, { kind: 'live', fixes: [plan.fix.seq], sentAt: now });
        } else {
          const seq = this.outbox.nextSeq();
          if (!this.send({ action: 'location_batch', id, seq, payload: { positions: plan.fixes.map((f) => f.payload) } })) return;
          this.track(seq, { kind: 'batch', fixes: plan.fixes.map((f) => f.seq), sentAt: now });
        }
      }
    });
  }

  private track(seq: number, f: InFlight): void {
    this.inFlight.set(seq, f);
    for (const s of f.fixes) this.fixesInFlight.add(s);
  }

  private release(seq: number): InFlight | undefined {
    const f = this.inFlight.get(seq);
    if (!f) return undefined;
    this.inFlight.delete(seq);
    for (const s of f.fixes) this.fixesInFlight.delete(s);
    return f;
  }

  /** Every few seconds: resend what was never acknowledged, send what waits. */
  private tick(): void {
    const stale = Date.now() - RESEND_AFTER_MS;
    for (const [seq, f] of this.inFlight) if (f.sentAt < stale) this.release(seq);
    void this.pump();
    void this.sendAlerts();
  }

  private onMessage(msg: ServerMessage): void {
    if (msg.type === 'ack') {
      const f = this.release(msg.seq);
      if (f) {
        // Delivered: every fix leaves the queue, the stored ones and those the server can never store.
        const dropped = msg.dropped === undefined ? [] : Array.isArray(msg.dropped) ? msg.dropped : [msg.dropped];
        void this.serial(async () => {
          await this.outbox?.deleteFixes(f.fixes);
          await this.refreshPending();
          if (dropped.length > 0) this.noteDropped(dropped.length, dropped.at(-1)!);
        }).then(() => this.pump());
        return;
      }
      const kind = this.alertsInFlight.get(msg.seq);
      if (kind) {
        this.alertsInFlight.delete(msg.seq);
        void this.outbox?.deleteAlert(msg.seq);
        if (kind === 'sos') this.set({ sos: 'sent', sosSentAt: Date.now() });
        else if (this.state.crash) this.set({ crash: { ...this.state.crash, phase: 'sent' } });
      }
      return;
    }
    if (msg.type !== 'error' || msg.seq === undefined) return;
    const f = this.release(msg.seq);
    if (f) {
      // Only what may pass later is kept: too soon after the previous live fix (it goes in the
      // next batch), or a session problem (sent again once signed in anew).
      if (msg.error === 'RateLimited' || msg.error === 'Unauthorized') {
        setTimeout(() => void this.pump(), this.settings.min_interval_ms);
        return;
      }
      // Refused for good (BadPayload, Forbidden): never resent.
      void this.serial(async () => {
        await this.outbox?.deleteFixes(f.fixes);
        await this.refreshPending();
        this.noteDropped(f.fixes.length, { reason: msg.error, message: msg.message });
      });
      return;
    }
    const kind = this.alertsInFlight.get(msg.seq);
    if (kind) {
      this.alertsInFlight.delete(msg.seq);
      void this.outbox?.deleteAlert(msg.seq);
      this.set({ alertError: `The ${kind === 'sos' ? 'SOS' : 'crash alert'} was refused: ${msg.message}`, sos: kind === 'sos' ? 'idle' : this.state.sos });
    }
  }

  /** Fixes that left the queue without being stored: counted, the last reason shown and logged. */
  private noteDropped(count: number, last: { reason: string; message: string }): void {
    console.warn(`driver app: ${count} fix${count === 1 ? '' : 'es'} dropped by the server (${last.reason}: ${last.message})`);
    this.set({ dropped: this.state.dropped + count, lastDropped: { ...last, at: Date.now() } });
  }

  // ---- heartbeats ----

  async heartbeat(): Promise<void> {
    if (!this.socket?.ready || !this.state.device) return;
    const [b, gps, pending] = await Promise.all([battery(), gpsPermission(), this.outbox?.countFixes() ?? Promise.resolve(0)]);
    const payload: Record<string, unknown> = { ...b, online: navigator.onLine, pending, duty: this.state.duty, app: APP_NAME };
    if (gps) payload.gps = gps;
    this.send({ action: 'heartbeat', id: this.state.device.user_id, payload });
  }

  // ---- alerts ----

  private position(): { lat?: number; lng?: number } {
    const f = this.state.lastFix;
    return f ? { lat: f.lat, lng: f.lng } : {};
  }

  async sos(): Promise<void> {
    if (!this.outbox) return;
    const alert: QueuedAlert = { seq: this.outbox.nextSeq(), payload: { kind: 'sos', timestamp: new Date().toISOString(), ...this.position() } };
    await this.outbox.putAlert(alert);
    this.set({ sos: 'sending', alertError: null });
    await this.sendAlerts();
  }

  private async sendAlerts(): Promise<void> {
    if (!this.socket?.ready || !this.outbox || !this.state.device) return;
    for (const a of await this.outbox.alerts()) {
      if (this.alertsInFlight.has(a.seq)) continue;
      if (this.send({ action: 'alert', id: this.state.device.user_id, seq: a.seq, payload: a.payload })) this.alertsInFlight.set(a.seq, a.payload.kind);
    }
  }

  private onMotion(sample: MotionSample): void {
    if (!this.detector) return;
    for (const ev of this.detector.add(sample)) {
      if (ev.type === 'impact' && !this.state.crash) {
        this.crashReport = null;
        this.set({ crash: { phase: 'countdown', impactAt: ev.at, deadline: ev.at + CRASH_CANCEL_MS, peak_g: ev.peak_g } });
        this.crashTimer = setTimeout(() => void this.sendCrash(), Math.max(0, ev.at + CRASH_CANCEL_MS - Date.now()));
      } else if (ev.type === 'complete') {
        this.crashReport = ev.report;
        if (this.state.crash?.phase === 'countdown') this.set({ crash: { ...this.state.crash, peak_g: ev.report.peak_g } });
      }
    }
  }

  /** "I'm OK": the crash alert is not sent. */
  cancelCrash(): void {
    if (this.crashTimer) clearTimeout(this.crashTimer);
    this.crashTimer = null;
    this.detector?.cancel(Date.now());
    this.crashReport = null;
    this.set({ crash: null });
  }

  dismissCrash(): void {
    if (this.state.crash?.phase !== 'countdown') this.set({ crash: null });
  }

  /** Sends the crash alert now (the countdown ran out, or the driver asked for help at once). */
  async sendCrash(): Promise<void> {
    const crash = this.state.crash;
    if (crash?.phase !== 'countdown' || !this.outbox) return;
    if (this.crashTimer) clearTimeout(this.crashTimer);
    this.crashTimer = null;
    const report = this.crashReport ?? this.detector?.report() ?? null;
    if (this.detector?.collecting) this.detector.cancel(Date.now());
    const payload: AlertPayload = {
      kind: 'crash',
      timestamp: new Date(crash.impactAt).toISOString(),
      ...this.position(),
      peak_g: Math.min(1000, report?.peak_g ?? crash.peak_g),
      threshold_g: this.settings.crash_threshold_g,
      motion: (report?.motion ?? []).slice(-600),
      positions: this.recent.list().slice(-120),
    };
    await this.outbox.putAlert({ seq: this.outbox.nextSeq(), payload });
    this.set({ crash: { phase: 'sending', impactAt: crash.impactAt, peak_g: payload.peak_g as number } });
    await this.sendAlerts();
  }
}

function enrolMessage(err: unknown): string {
  if (err instanceof DriverApiError) {
    if (err.status === 401) return 'This enrolment link does not work: it was already used or has expired. Ask the office for a new link.';
    if (err.status === 429) return `Too many attempts. ${err.message}`;
    if (err.status === 0) return 'The server cannot be reached. Check the connection and open the link again.';
    return `The link was not accepted: ${err.message}`;
  }
  return 'The link was not accepted.';
}
