/**
 * The simulated fleet of `npm run bench:ui`: one company with N drivers and an office user
 * provisioned straight into a fresh data folder, then N real WebSocket driver connections each
 * sending `driver_location` at 1 Hz, spread evenly over the second. Every driver circles its
 * own block of the city at a steady speed, so every marker on the map keeps moving.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { addCompany, addUser, issueToken, type Accounts } from '../../main/server/accounts';
import { openDatabase } from '../../main/server/store/database';
import { accountsOn } from '../../main/server/open-accounts';

export const COMPANY = 'ui-bench';
export const OFFICE = 'dispatch';
/** Addis Ababa, the seed's example city. */
export const CITY: [number, number] = [9.01, 38.75];
/** Circle centres lie within ± these degrees of the city centre (about 10 km × 6 km). */
const SPREAD_LAT = 0.026;
const SPREAD_LNG = 0.044;
/** Where the fleet can be: circle centres plus the largest radius (600 m). */
export const FLEET_BOX = {
  south: CITY[0] - SPREAD_LAT - 0.0055,
  north: CITY[0] + SPREAD_LAT + 0.0055,
  west: CITY[1] - SPREAD_LNG - 0.0055,
  east: CITY[1] + SPREAD_LNG + 0.0055,
};
/** Never send one driver's updates closer together than this (the server allows 900 ms). */
const MIN_GAP_MS = 950;
const CONNECT_TIMEOUT_MS = 15_000;

export interface Provisioned {
  dataDir: string;
  driverIds: string[];
  driverTokens: string[];
  officeToken: string;
}

export async function provision(n: number, ttlSeconds: number): Promise<Provisioned> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-ui-bench-'));
  const db = openDatabase(dataDir);
  try {
    const accounts: Accounts = accountsOn(db, dataDir);
    addCompany(accounts, 'UI Bench Transport', COMPANY);
    // Room for every driver beyond the reserve the server keeps for office users (at most 50).
    accounts.companies.update(COMPANY, { max_connections: n + 100 });
    const driverIds = Array.from({ length: n }, (_, i) => `VAN_${String(i).padStart(4, '0')}`);
    // Nobody else uses the file yet: one transaction keeps provisioning thousands of users quick.
    db.exec('BEGIN');
    for (const [i, id] of driverIds.entries()) await addUser(accounts, { companyId: COMPANY, userId: id, role: 'driver', display_name: `Van ${i}` });
    await addUser(accounts, { companyId: COMPANY, userId: OFFICE, role: 'office', display_name: 'Dispatch' });
    db.exec('COMMIT');
    return {
      dataDir,
      driverIds,
      driverTokens: driverIds.map((id) => issueToken(accounts, COMPANY, id, ttlSeconds).token),
      officeToken: issueToken(accounts, COMPANY, OFFICE, ttlSeconds).token,
    };
  } finally {
    db.close();
  }
}

export interface FleetStats {
  sent: number;
  acked: number;
  errors: Record<string, number>;
  connectFailures: number;
}

/** N drivers on circles: centre, radius (m), angular speed (rad/s), phase. */
export class SimulatedFleet {
  readonly stats: FleetStats = { sent: 0, acked: 0, errors: {}, connectFailures: 0 };
  private readonly sockets: (WebSocket | null)[];
  private readonly cLat: Float64Array;
  private readonly cLng: Float64Array;
  private readonly radius: Float64Array;
  private readonly omega: Float64Array;
  private readonly phase: Float64Array;
  private readonly lastSend: Float64Array;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    private readonly wsUrl: string,
    private readonly p: Provisioned,
  ) {
    const n = p.driverIds.length;
    this.sockets = new Array(n).fill(null);
    this.cLat = new Float64Array(n);
    this.cLng = new Float64Array(n);
    this.radius = new Float64Array(n);
    this.omega = new Float64Array(n);
    this.phase = new Float64Array(n);
    this.lastSend = new Float64Array(n).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      this.cLat[i] = CITY[0] + (Math.random() * 2 - 1) * SPREAD_LAT;
      this.cLng[i] = CITY[1] + (Math.random() * 2 - 1) * SPREAD_LNG;
      this.radius[i] = 150 + Math.random() * 450;
      // One in ten waits at a stop; the others drive at 20–60 km/h, either way round.
      const speed = i % 10 === 0 ? 0 : (20 + Math.random() * 40) / 3.6;
      this.omega[i] = (speed / (this.radius[i] as number)) * (Math.random() < 0.5 ? 1 : -1);
      this.phase[i] = Math.random() * 2 * Math.PI;
    }
  }

  get size(): number {
    return this.p.driverIds.length;
  }

  /** Connects every driver, `batch` at a time. */
  async connect(batch: number, log: (msg: string) => void): Promise<void> {
    for (let start = 0; start < this.size; start += batch) {
      const end = Math.min(this.size, start + batch);
      await Promise.all(
        Array.from({ length: end - start }, (_, k) =>
          this.connectOne(start + k).catch((err: Error) => {
            this.stats.connectFailures++;
            if (this.stats.connectFailures <= 5) log(`connect failed: ${err.message}`);
          }),
        ),
      );
      if (end % 500 === 0 || end === this.size) log(`connected ${end}/${this.size} drivers`);
    }
  }

  /** Driver i sends at offset i/N of every second, from now until stop(). */
  start(): void {
    const n = this.size;
    const t0 = performance.now() + 50;
    let i = 0;
    let second = 0;
    const due = () => t0 + second * 1000 + Math.floor((i * 1000) / n);
    const tick = () => {
      const now = performance.now();
      while (due() <= now) {
        if (now - (this.lastSend[i] as number) >= MIN_GAP_MS) this.send(i, now);
        if (++i === n) {
          i = 0;
          second++;
          this.seq++;
        }
      }
      if (!this.closing) this.timer = setTimeout(tick, Math.max(0, due() - performance.now()));
    };
    tick();
  }

  async stop(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all(
      this.sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
            const t = setTimeout(() => {
              ws.terminate();
              resolve();
            }, 5000);
            ws.once('close', () => {
              clearTimeout(t);
              resolve();
            });
            ws.close(1000, 'bench done');
          }),
      ),
    );
  }

  private send(i: number, now: number): void {
    const ws = this.sockets[i];
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const t = Date.now() / 1000;
    const a = (this.phase[i] as number) + (this.omega[i] as number) * t;
    const r = this.radius[i] as number;
    const lat0 = this.cLat[i] as number;
    const lat = lat0 + (r * Math.sin(a)) / 111_320;
    const lng = (this.cLng[i] as number) + (r * Math.cos(a)) / (111_320 * Math.cos((lat0 * Math.PI) / 180));
    const omega = this.omega[i] as number;
    // Heading along the circle: the derivative of the position, as a compass bearing.
    const north = Math.cos(a) * omega;
    const east = -Math.sin(a) * omega;
    const bearing = ((Math.atan2(east, north) * 180) / Math.PI + 360) % 360;
    const payload = {
      lat: Math.round(lat * 1e6) / 1e6,
      lng: Math.round(lng * 1e6) / 1e6,
      speed: Math.round(Math.abs(omega) * r * 3.6 * 10) / 10,
      bearing: Math.round(bearing),
      accuracy: 5,
      timestamp: Date.now(),
    };
    this.lastSend[i] = now;
    this.stats.sent++;
    ws.send(JSON.stringify({ action: 'driver_location', id: this.p.driverIds[i], seq: this.seq, payload }));
  }

  private connectOne(i: number): Promise<void> {
    const id = this.p.driverIds[i]!;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.wsUrl, { perMessageDeflate: false, handshakeTimeout: CONNECT_TIMEOUT_MS });
      let ready = false;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`${id}: not authenticated within ${CONNECT_TIMEOUT_MS} ms`));
      }, CONNECT_TIMEOUT_MS);
      ws.on('open', () => ws.send(JSON.stringify({ action: 'authenticate', payload: { user_id: id, role: 'driver', token: this.p.driverTokens[i] } })));
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as { type: string; error?: string };
        if (m.type === 'ack') this.stats.acked++;
        else if (m.type === 'error') this.stats.errors[m.error ?? '?'] = (this.stats.errors[m.error ?? '?'] ?? 0) + 1;
        if (!ready && m.type === 'authenticated') {
          ready = true;
          clearTimeout(timer);
          this.sockets[i] = ws;
          resolve();
        } else if (!ready && m.type === 'error') {
          clearTimeout(timer);
          ws.terminate();
          reject(new Error(`${id}: ${data.toString().slice(0, 200)}`));
        }
      });
      ws.on('error', (err) => {
        clearTimeout(timer);
        if (!ready) reject(err);
      });
    });
  }
}
