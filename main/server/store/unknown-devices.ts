import type { Db } from './database';
import { systemClock, type Clock } from '../clock';

/** Why an identifier that is no key is listed, and to which company. */
export type UnknownKind = 'retired' | 'expected';

export interface UnknownDevice {
  identifier: string;
  company_id: string;
  /** retired: a key the company replaced, still in use by a phone; expected: declared by the company, ready to adopt */
  kind: UnknownKind;
  /** retired: the driver whose key it was */
  user_id: string | null;
  protocol: string;
  first_seen: number;
  last_seen: number;
  attempts: number;
  remote_address: string | null;
  lat: number | null;
  lng: number | null;
}

export interface ExpectedDevice {
  identifier: string;
  company_id: string;
  note: string | null;
  created_at: number;
}

/** At most this many are kept per company: the oldest go first. */
export const MAX_UNKNOWN_DEVICES = 200;

/**
 * Identifiers that reported without being any driver's key, but that a company has a claim on:
 * its own replaced keys (so it can tell the driver to update the phone) and identifiers it
 * declared in advance (so it can adopt the phone). An identifier no company knows belongs to
 * nobody and is never recorded: no company sees another's phones, addresses or positions.
 */
export class UnknownDeviceStore {
  private readonly upsert;
  private readonly trim;
  private readonly ofCompany;
  private readonly one;
  private readonly del;
  private readonly expectStmt;
  private readonly expectedStmt;
  private readonly unexpectStmt;

  constructor(
    db: Db,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO unknown_devices (identifier, company_id, kind, user_id, protocol, first_seen, last_seen, attempts, remote_address, lat, lng)
       VALUES (@identifier, @company_id, @kind, @user_id, @protocol, @now, @now, 1, @remote, @lat, @lng)
       ON CONFLICT (identifier) DO UPDATE SET company_id = excluded.company_id, kind = excluded.kind, user_id = excluded.user_id,
         protocol = excluded.protocol, last_seen = excluded.last_seen, attempts = attempts + 1, remote_address = excluded.remote_address,
         lat = coalesce(excluded.lat, lat), lng = coalesce(excluded.lng, lng)`,
    );
    this.trim = db.prepare(
      `DELETE FROM unknown_devices WHERE company_id = @company_id AND identifier IN
       (SELECT identifier FROM unknown_devices WHERE company_id = @company_id ORDER BY last_seen DESC LIMIT -1 OFFSET ${MAX_UNKNOWN_DEVICES})`,
    );
    this.ofCompany = db.prepare<[string], UnknownDevice>('SELECT * FROM unknown_devices WHERE company_id = ? ORDER BY last_seen DESC');
    this.one = db.prepare<[string, string], UnknownDevice>('SELECT * FROM unknown_devices WHERE company_id = ? AND identifier = ?');
    this.del = db.prepare('DELETE FROM unknown_devices WHERE company_id = ? AND identifier = ?');
    this.expectStmt = db.prepare('INSERT INTO expected_devices (identifier, company_id, note, created_at) VALUES (?, ?, ?, ?)');
    this.expectedStmt = db.prepare<[string], ExpectedDevice>('SELECT * FROM expected_devices WHERE identifier = ?');
    this.unexpectStmt = db.prepare('DELETE FROM expected_devices WHERE company_id = ? AND identifier = ?');
  }

  /** A report from an identifier a company has a claim on. */
  record(
    entry: { identifier: string; company_id: string; kind: UnknownKind; user_id?: string | null },
    protocol: string,
    remote: string | null,
    at?: { lat: number; lng: number },
    now = this.clock.now(),
  ): void {
    const ok = at && Number.isFinite(at.lat) && Number.isFinite(at.lng);
    this.upsert.run({ ...entry, user_id: entry.user_id ?? null, protocol, now, remote, lat: ok ? at.lat : null, lng: ok ? at.lng : null });
    this.trim.run({ company_id: entry.company_id });
  }

  list(companyId: string): UnknownDevice[] {
    return this.ofCompany.all(companyId);
  }

  get(companyId: string, identifier: string): UnknownDevice | undefined {
    return this.one.get(companyId, identifier);
  }

  /** Removes the entry; an expected identifier is no longer expected either. */
  remove(companyId: string, identifier: string): boolean {
    const removed = this.del.run(companyId, identifier).changes === 1;
    const unexpected = this.unexpectStmt.run(companyId, identifier).changes === 1;
    return removed || unexpected;
  }

  /** Declares that a phone will report with this identifier; false when another company did first. */
  expect(companyId: string, identifier: string, note: string | null, now = this.clock.now()): boolean {
    try {
      this.expectStmt.run(identifier, companyId, note, now);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) return false;
      throw err;
    }
  }

  expected(identifier: string): ExpectedDevice | undefined {
    return this.expectedStmt.get(identifier);
  }
}
