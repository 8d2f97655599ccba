import type { DeviceStatus, DeviceStatusPayload } from '../../../shared/protocol/device';
import type { Storage } from '../store/storage';
import { systemClock, type Clock } from '../clock';

/** A status report as adapters produce it: what the phone said, in FleetDesk's terms. */
export type StatusReport = DeviceStatusPayload;

export interface DeviceRef {
  pk: number;
  company_id: string;
  user_id: string;
}

/** A heartbeat row (and its HeartbeatReceived event) is written when the status changes, and at least this often otherwise. */
export const HEARTBEAT_RECORD_INTERVAL_MS = 5 * 60_000;

const flag = (v: boolean | null | undefined, when: boolean) => (v === null || v === undefined ? null : v === when);

/**
 * The seed's HeartbeatReceived details from a status: every seed field present, null where the
 * phone does not report it (no phone app reports a count of unsent trips: FleetDesk's apps queue
 * positions, given as NotUploadedPositionsCount). InstanceId is the company (the seed's instance).
 */
export function heartbeatDetails(companyId: string, s: DeviceStatus, time: number): Record<string, unknown> {
  const conn = s.connection;
  return {
    ChargeLevel: s.battery,
    WifiEnabled: conn === null ? null : conn === 'wifi',
    GPSEnabled: s.gps === null ? null : s.gps === 'granted',
    RealTimeLocationEnabled: flag(s.duty, true),
    MobileDataEnabled: conn === null ? null : conn === 'mobile',
    NotUploadedTripsCount: null,
    NotUploadedPositionsCount: s.pending,
    Charging: s.charging,
    InstanceId: companyId,
    TimeReceived: new Date(time).toISOString(),
  };
}

export type StatusListener = (device: DeviceRef, status: DeviceStatus) => void;

/** The fields that make a status different enough to record and show (battery in whole %). */
function signature(s: DeviceStatus): string {
  return JSON.stringify([s.battery === null ? null : Math.round(s.battery), s.charging, s.gps, s.online, s.pending, s.duty, s.connection, s.app, s.source]);
}

/**
 * Device status from every source (driver app heartbeats, OsmAnd `batt`/`charge`, OwnTracks
 * `batt`/`bs`/`conn`), merged per device. Each report is recorded as a heartbeat row when it
 * changes something, or when the last row is older than five minutes, so a phone sending its
 * battery with every fix costs one write per change, not one per fix.
 */
export class DeviceStatusService {
  private readonly current = new Map<number, { status: DeviceStatus; sig: string; recordedAt: number }>();
  private readonly listeners: StatusListener[] = [];
  private readonly heartbeats: Storage['heartbeats'];
  constructor(
    private readonly storage: Pick<Storage, 'heartbeats' | 'events' | 'atomically'>,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
    /** at most one heartbeat row and HeartbeatReceived event per device this often, unless a field changes */
    private readonly recordIntervalMs = HEARTBEAT_RECORD_INTERVAL_MS,
  ) {
    this.heartbeats = storage.heartbeats;
  }

  onChange(listener: StatusListener): void {
    this.listeners.push(listener);
  }

  get(userPk: number): DeviceStatus | null {
    const c = this.current.get(userPk);
    if (c) return c.status;
    return this.heartbeats.latest(userPk)?.status ?? null;
  }

  /** Latest status of every device of a company that ever reported one, by user pk. */
  ofCompany(companyId: string): Map<number, DeviceStatus> {
    const out = new Map<number, DeviceStatus>();
    for (const [pk, status] of this.heartbeats.latestOfCompany(companyId)) out.set(pk, this.current.get(pk)?.status ?? status);
    return out;
  }

  /** Merges a report into the device's status; returns the new status. */
  report(device: DeviceRef, report: StatusReport, source: string, time = this.clock.now()): DeviceStatus {
    const prev = this.current.get(device.pk) ?? this.loaded(device.pk);
    const base = prev?.status;
    const status: DeviceStatus = {
      battery: report.battery ?? base?.battery ?? null,
      charging: report.charging ?? base?.charging ?? null,
      gps: report.gps ?? base?.gps ?? null,
      online: report.online ?? base?.online ?? null,
      pending: report.pending ?? base?.pending ?? null,
      duty: report.duty ?? base?.duty ?? null,
      connection: report.connection ?? base?.connection ?? null,
      app: report.app ?? base?.app ?? null,
      source,
      time: new Date(time).toISOString(),
    };
    const sig = signature(status);
    const changed = sig !== prev?.sig;
    let recordedAt = prev?.recordedAt ?? -Infinity;
    if (changed || time - recordedAt >= this.recordIntervalMs) {
      this.storage.atomically(() => {
        this.heartbeats.insert(device.pk, time, status);
        this.storage.events.record(
          { companyId: device.company_id, userPk: device.pk, event: 'HeartbeatReceived', objectId: device.user_id, objectType: 'RawHeartbeat', details: heartbeatDetails(device.company_id, status, time) },
          time,
        );
      });
      recordedAt = time;
    }
    this.current.set(device.pk, { status, sig, recordedAt });
    if (changed) for (const l of this.listeners) l(device, status);
    return status;
  }

  private loaded(userPk: number) {
    const row = this.heartbeats.latest(userPk);
    if (!row) return undefined;
    return { status: row.status, sig: signature(row.status), recordedAt: row.time };
  }
}
