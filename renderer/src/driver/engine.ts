/**
 * The driver app's engine: enrolment and the phone's lifecycle, wiring the parts that do the
 * work (connection.ts, fix-sender.ts, alert-sender.ts, crash-flow.ts, position-watch.ts,
 * heartbeat.ts) around one shared state (driver-state.ts). The UI only reads the state and
 * calls the public methods.
 */
import type { ServerMessage } from '../../../shared/protocol/server-messages';
import { droppedFixes } from '../../../shared/tracking-client';
import { ApiError } from '../api/client';
import { retryWhen } from '../lib/format';
import { AlertSender } from './alert-sender';
import { enrol } from './api';
import { DriverConnection } from './connection';
import { CrashFlow } from './crash-flow';
import { forgetDevice, loadDevice, loadDuty, saveDevice, saveDuty, type SavedDevice } from './device-store';
import { DriverContext, type DriverState } from './driver-state';
import { codeFromHash } from './enrol-code';
import { FixSender } from './fix-sender';
import { Heartbeat } from './heartbeat';
import { PositionWatch } from './position-watch';
import { Outbox } from './queue';
import { gpsPermission, requestMotionPermission } from './sensors';
import type { QueuedFix } from './wire';

/** Sends what waits and what was never answered, this often. */
const TICK_MS = 5000;

export class DriverEngine {
  private readonly ctx = new DriverContext();
  private readonly conn = new DriverConnection(this.ctx, {
    onReady: () => {
      void this.alerts.send();
      void this.fixes.pump();
      void this.heartbeat.send();
    },
    onMessage: (msg) => this.onMessage(msg),
    onDown: () => {
      this.fixes.reset();
      this.alerts.reset();
    },
    onRevoked: () => this.revoke(),
  });
  private readonly fixes = new FixSender(this.ctx, this.conn);
  private readonly alerts = new AlertSender(this.ctx, this.conn);
  private readonly crash = new CrashFlow(this.ctx, this.alerts);
  private readonly watch = new PositionWatch(this.ctx, this.crash, () => void this.fixes.pump());
  private readonly heartbeat = new Heartbeat(this.ctx, this.conn);
  private tickTimer: ReturnType<typeof setInterval> | null = null;

  readonly produced = this.watch.produced;
  readonly subscribe = this.ctx.subscribe;
  getState = (): DriverState => this.ctx.state;

  get state(): DriverState {
    return this.ctx.state;
  }

  /** The fixes still waiting in IndexedDB, oldest first. */
  queued = (): Promise<QueuedFix[]> => this.ctx.outbox?.fixes() ?? Promise.resolve([]);

  async init(): Promise<void> {
    this.ctx.outbox = await Outbox.open();
    this.conn.watchNetwork();
    void gpsPermission((gps) => this.ctx.set({ gps })).then((gps) => this.ctx.set({ gps }));
    const code = this.takeCode();
    // A link opened while the app is already open in this tab changes only the fragment.
    window.addEventListener('hashchange', () => {
      const next = this.takeCode();
      if (next) void this.enrolWith(next);
    });
    const device = loadDevice();
    this.ctx.set({ device, phase: device ? 'signed-in' : 'signed-out', pending: await this.ctx.outbox.countFixes() });
    if (code && !window.isSecureContext) {
      // Redeeming it here would spend the link on a page that gets no position: pass it on to https.
      this.ctx.set({ insecureCode: code });
      return;
    }
    if (code) {
      await this.enrolWith(code);
      return;
    }
    if (device) this.begin(device);
  }

  /** The enrolment code in the address; it is single-use, so it leaves the address bar (and the history) before it is sent. */
  private takeCode(): string | null {
    const code = codeFromHash(location.hash);
    if (code) history.replaceState(null, '', location.pathname + location.search);
    return code;
  }

  /** Redeems an enrolment code (from the link or pasted). */
  async enrolWith(code: string): Promise<void> {
    this.ctx.set({ enrolling: true, enrolError: null });
    try {
      const session = await enrol(code);
      const previous = this.ctx.state.device;
      if (previous && previous.user_id !== session.user_id) await this.ctx.outbox?.clear();
      this.stopAll();
      const device = saveDevice(session);
      this.conn.useSession(session);
      this.ctx.set({ device, phase: 'signed-in', enrolling: false, pending: (await this.ctx.outbox?.countFixes()) ?? 0 });
      this.begin(device);
    } catch (err) {
      this.ctx.set({ enrolling: false, enrolError: enrolMessage(err) });
    }
  }

  /** Forgets this phone's enrolment and its queue (offered when the office disconnected it). */
  async clearPhone(): Promise<void> {
    this.stopAll();
    saveDuty(false);
    forgetDevice();
    await this.ctx.outbox?.clear();
    this.conn.forgetSession();
    this.ctx.set({ phase: 'signed-out', device: null, duty: false, pending: 0, conn: 'connecting', lastFix: null, sos: 'idle', crash: null, office: null });
  }

  /** Called from the button's click handler: the motion permission needs the user gesture. */
  startDuty(): void {
    const motion = requestMotionPermission();
    saveDuty(true);
    this.ctx.set({ duty: true });
    void motion.then(() => this.watch.start());
    void this.heartbeat.send();
  }

  stopDuty(): void {
    saveDuty(false);
    this.watch.stop();
    this.ctx.set({ duty: false });
    void this.heartbeat.send();
    void this.fixes.pump();
  }

  sos = (): Promise<void> => this.alerts.sos();
  cancelCrash = (): void => this.crash.cancel();
  dismissCrash = (): void => this.crash.dismiss();
  sendCrash = (): Promise<void> => this.crash.send();

  private begin(device: SavedDevice): void {
    this.heartbeat.start();
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    if (loadDuty()) this.watch.start();
    this.ctx.set({ duty: loadDuty() });
    this.conn.start(device);
  }

  private stopAll(): void {
    this.watch.stop();
    this.heartbeat.stop();
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.conn.stop();
  }

  private revoke(): void {
    this.stopAll();
    this.ctx.set({ phase: 'revoked', conn: 'offline' });
  }

  /** Every few seconds: resend what was never acknowledged, send what waits. */
  private tick(): void {
    this.fixes.resendStale();
    void this.fixes.pump();
    void this.alerts.send();
  }

  private onMessage(msg: ServerMessage): void {
    if (msg.type === 'ack') {
      if (!this.fixes.onAck(msg.seq, droppedFixes(msg))) this.alerts.onAck(msg.seq);
    } else if (msg.type === 'error' && msg.seq !== undefined) {
      if (!this.fixes.onRefused(msg.seq, msg)) this.alerts.onRefused(msg.seq, msg);
    } else if (msg.type === 'alert_status') {
      this.alerts.onStatus(msg.payload);
    }
  }
}

function enrolMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'This enrolment link does not work: it was already used or has expired. Ask the office for a new link.';
    if (err.status === 429) return `Too many attempts. Try again ${retryWhen(err.retryAfterS)}.`;
    if (err.status === 0) return 'The server cannot be reached. Check the connection and open the link again.';
    return `The link was not accepted: ${err.message}`;
  }
  return 'The link was not accepted.';
}
