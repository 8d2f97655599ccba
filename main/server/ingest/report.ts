/** What every adapter makes of one request or message, and what the ingest door answers. */
import type { AlertKind } from '../../../shared/protocol/device';
import type { DroppedFix } from '../../../shared/protocol/reception';
import type { StatusReport } from '../devices/device-status';
import type { PositionRecord } from './position';

export interface AlarmReport {
  kind: AlertKind;
  deviceTime: number;
  lat?: number | null;
  lng?: number | null;
  details?: Record<string, unknown> | null;
}

/** One request or message of any protocol: positions in SI units, status, an alarm. */
export interface DeviceReport {
  positions: PositionRecord[];
  /** fixes the adapter already knows can never be stored (e.g. marked not valid by the app): counted as dropped */
  unusable?: { position: Partial<PositionRecord>; dropped: DroppedFix }[];
  status?: StatusReport;
  alarm?: AlarmReport;
}

export interface AcceptOptions {
  /** the adapter it came through: 'ws', 'http', 'osmand', 'owntracks', 'gpslogger' */
  source: string;
  /** when it arrived, on the server's clock */
  arrival: number;
  /** a live update (the Tracking API's driver_location): at most one a second per driver. Replays are not. */
  live?: boolean;
}

export interface ReportOutcome {
  stored: number;
  /** fixes already stored (the phone sent them again): delivered, counted as dropped, not listed */
  duplicates: number;
  /** fixes dropped for good, other than duplicates: index in `positions` and why */
  dropped: ({ index: number } & DroppedFix)[];
}
