/** The phone's status for the office, every few minutes and on every change that matters (a connection, duty on or off). */
import type { DeviceStatusPayload } from '../../../shared/protocol/device';
import type { DriverConnection } from './connection';
import type { DriverContext } from './driver-state';
import { battery, gpsPermission } from './sensors';

export const APP_NAME = `FleetDesk driver ${__FLEETDESK_VERSION__}`;

export class Heartbeat {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly ctx: DriverContext,
    private readonly conn: DriverConnection,
  ) {}

  /** Every `heartbeat_interval_s` of the office's settings. */
  start(): void {
    this.timer = setInterval(() => void this.send(), this.ctx.settings.heartbeat_interval_s * 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async send(): Promise<void> {
    const device = this.ctx.state.device;
    if (!this.conn.ready || !device) return;
    const [b, gps, pending] = await Promise.all([battery(), gpsPermission(), this.ctx.outbox?.countFixes() ?? Promise.resolve(0)]);
    const payload: DeviceStatusPayload = { ...b, online: navigator.onLine, pending, duty: this.ctx.state.duty, app: APP_NAME };
    if (gps) payload.gps = gps;
    this.conn.send({ action: 'heartbeat', id: device.user_id, payload });
  }
}
