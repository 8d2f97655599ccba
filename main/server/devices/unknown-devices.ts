import type { Db } from '../store/database';

export interface UnknownDevice {
  identifier: string;
  protocol: string;
  first_seen: number;
  last_seen: number;
  attempts: number;
  remote_address: string | null;
  lat: number | null;
  lng: number | null;
}

/** At most this many are kept: the oldest are dropped, so a flood of made-up ids stays bounded. */
export const MAX_UNKNOWN_DEVICES = 200;

/**
 * Identifiers that tried to report without being any driver's device key, so an admin sees
 * "unknown device tried to connect" and can adopt it in a click.
 */
export class UnknownDeviceStore {
  private readonly upsert;
  private readonly trim;
  private readonly all;
  private readonly one;
  private readonly del;

  constructor(db: Db) {
    this.upsert = db.prepare(
      `INSERT INTO unknown_devices (identifier, protocol, first_seen, last_seen, attempts, remote_address, lat, lng)
       VALUES (@identifier, @protocol, @now, @now, 1, @remote, @lat, @lng)
       ON CONFLICT (identifier) DO UPDATE SET protocol = excluded.protocol, last_seen = excluded.last_seen,
         attempts = attempts + 1, remote_address = excluded.remote_address,
         lat = coalesce(excluded.lat, lat), lng = coalesce(excluded.lng, lng)`,
    );
    this.trim = db.prepare(
      `DELETE FROM unknown_devices WHERE identifier IN
       (SELECT identifier FROM unknown_devices ORDER BY last_seen DESC LIMIT -1 OFFSET ${MAX_UNKNOWN_DEVICES})`,
    );
    this.all = db.prepare<[], UnknownDevice>('SELECT * FROM unknown_devices ORDER BY last_seen DESC');
    this.one = db.prepare<[string], UnknownDevice>('SELECT * FROM unknown_devices WHERE identifier = ?');
    this.del = db.prepare('DELETE FROM unknown_devices WHERE identifier = ?');
  }

  record(identifier: string, protocol: string, remote: string | null, at?: { lat: number; lng: number }, now = Date.now()): void {
    const ok = at && Number.isFinite(at.lat) && Number.isFinite(at.lng);
    this.upsert.run({ identifier: identifier.slice(0, 128), protocol, now, remote, lat: ok ? at.lat : null, lng: ok ? at.lng : null });
    this.trim.run();
  }

  list(): UnknownDevice[] {
    return this.all.all();
  }

  get(identifier: string): UnknownDevice | undefined {
    return this.one.get(identifier);
  }

  remove(identifier: string): boolean {
    return this.del.run(identifier).changes === 1;
  }
}
