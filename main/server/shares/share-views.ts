/** A stored share as the REST API and the public page show it. */
import { Value } from 'typebox/value';
import { DEFAULT_SHARE_CONFIG, ENDED_SHARE_STATUSES, ShareConfig, type PublicPosition, type PublicShare, type Share, type ShareDestination, type ShareEta, type ShareSettings } from '../../../shared/api/shares';
import { iso, isoOrNull } from '../../../shared/time';
import type { PositionRecord } from '../ingest/position';
import type { ShareRow } from '../store/shares';

export const isEnded = (r: Pick<ShareRow, 'status'>): boolean => ENDED_SHARE_STATUSES.includes(r.status);

export function configOf(r: ShareRow): ShareConfig {
  try {
    const c = { ...DEFAULT_SHARE_CONFIG, ...(JSON.parse(r.share_config) as object) };
    return Value.Check(ShareConfig, c) ? c : { ...DEFAULT_SHARE_CONFIG };
  } catch {
    return { ...DEFAULT_SHARE_CONFIG };
  }
}

export function destinationOf(r: ShareRow): ShareDestination | null {
  return r.dest_lat === null || r.dest_lng === null ? null : { latitude: r.dest_lat, longitude: r.dest_lng, label: r.dest_label };
}

export function shareView(r: ShareRow, eta: ShareEta | null): Share {
  return {
    id: r.id,
    device_id: r.device_id,
    status: r.status,
    recipient_name: r.recipient_name,
    notes: r.notes,
    order_id: r.order_id,
    destination: destinationOf(r),
    share_config: configOf(r),
    share_url: null,
    created_at: iso(r.created_at),
    created_by: r.created_by,
    expires_at: iso(r.expires_at),
    arrived_at: isoOrNull(r.arrived_at),
    ended_at: isoOrNull(r.ended_at),
    eta: isEnded(r) ? null : eta,
  };
}

const round = (v: number, decimals: number | null) => (decimals === null ? v : Math.round(v * 10 ** decimals) / 10 ** decimals);

/** Only what the share allows: no speed unless show_speed, no heading unless show_heading, rounded per the company. */
export function publicPosition(p: PositionRecord, config: ShareConfig, decimals: number | null): PublicPosition {
  return {
    lat: round(p.lat, decimals),
    lng: round(p.lng, decimals),
    ...(config.show_speed ? { speed_kmh: Math.round(p.speed * 3.6) } : {}),
    ...(config.show_heading ? { heading: Math.round(p.bearing) } : {}),
    time: iso(p.deviceTime),
  };
}

export interface PublicParts {
  row: ShareRow;
  companyName: string;
  driverName: string | null;
  settings: ShareSettings;
  /** the device's newest fix, if any */
  position: PositionRecord | null;
  eta: ShareEta | null;
}

/**
 * The public page's view. An ended share shows its status and the recipient's own details,
 * never a position, destination or ETA; a fix from before the share began is never shown.
 */
export function publicView(x: PublicParts): PublicShare {
  const config = configOf(x.row);
  const ended = isEnded(x.row);
  const position = !ended && x.position && x.position.deviceTime >= x.row.created_at ? publicPosition(x.position, config, x.settings.position_decimals) : null;
  const dest = destinationOf(x.row);
  return {
    status: x.row.status,
    driver_name: x.driverName,
    recipient_name: x.row.recipient_name,
    notes: x.row.notes,
    order_id: x.row.order_id,
    company_name: x.companyName,
    expires_at: iso(x.row.expires_at),
    position,
    destination: !ended && config.show_destination_on_map && dest ? { ...dest, latitude: round(dest.latitude, x.settings.position_decimals), longitude: round(dest.longitude, x.settings.position_decimals) } : null,
    eta: !ended && config.show_eta && position ? x.eta : null,
    share_config: config,
  };
}
