/**
 * Runs the fleet in real time: every vehicle steps once a second (the ticks of different
 * vehicles spread over the second, like independent phones) and hands its fix to its own
 * WebSocket client. Time is the wall clock; faster-than-real-time runs belong to the pure
 * model (Vehicle.step), never to the wire, where one update a second per driver is the rule.
 */
import type { DriverSocket } from './driver-socket';
import type { Vehicle } from './vehicle';

export interface SimulatedVehicle {
  userId: string;
  vehicle: Vehicle;
  socket: DriverSocket;
}

const TICK_MS = 1000;

export class FleetSimulator {
  private readonly timers: NodeJS.Timeout[] = [];
  private running = false;

  constructor(
    readonly vehicles: readonly SimulatedVehicle[],
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.vehicles.forEach((v, i) => {
      v.socket.start();
      let last = this.now();
      const tick = (): void => {
        const now = this.now();
        const fix = v.vehicle.step((now - last) / 1000);
        last = now;
        if (!fix) return;
        const { lat, lng, speedKmh, bearing, accuracy, ageSeconds } = fix;
        v.socket.offer({ lat, lng, speed: speedKmh, bearing, accuracy, timestamp: now - ageSeconds * 1000 });
      };
      const offset = Math.round((i * TICK_MS) / this.vehicles.length);
      const first = setTimeout(() => {
        if (!this.running) return;
        tick();
        this.timers.push(setInterval(tick, TICK_MS));
      }, offset);
      this.timers.push(first);
    });
  }

  /** Stops the vehicles and signs every phone off; resolves when all sockets are closed. */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
    await Promise.all(this.vehicles.map((v) => v.socket.close()));
  }
}
