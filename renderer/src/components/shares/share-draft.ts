/** The share form's fields as typed, and the request they make (or what to fix first). */
import { DEFAULT_SHARE_CONFIG, type ShareConfig, type ShareCreate } from '../../../../shared/api/shares';

/** How long a link works: the form's choices, hours. */
export const EXPIRY_CHOICES = [1, 4, 8, 24] as const;
export const DEFAULT_EXPIRY_HOURS = 4;

export interface ShareDraft {
  recipient: string;
  orderId: string;
  notes: string;
  hours: number;
  /** "latitude, longitude" as typed or picked; empty: no destination */
  coords: string;
  label: string;
  config: ShareConfig;
}

export const emptyDraft = (): ShareDraft => ({ recipient: '', orderId: '', notes: '', hours: DEFAULT_EXPIRY_HOURS, coords: '', label: '', config: { ...DEFAULT_SHARE_CONFIG } });

const COORDS = /^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$/;

/** "48.13743, 11.57549" → the point, or null when it is not one. */
export function parseCoords(text: string): { lat: number; lng: number } | null {
  const m = COORDS.exec(text);
  if (!m) return null;
  const lat = Number(m[1]);
  const lng = Number(m[2]);
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? { lat, lng } : null;
}

export const formatCoords = (p: { lat: number; lng: number }): string => `${p.lat.toFixed(5)}, ${p.lng.toFixed(5)}`;

/** The request body, or a sentence saying what to fix (about the destination, the one field checked here). */
export function draftToRequest(deviceId: string, d: ShareDraft): { body: ShareCreate } | { problem: string; field: 'destination' } {
  const text = (v: string) => (v.trim() ? v.trim() : null);
  let destination: ShareCreate['destination'] = null;
  if (d.coords.trim()) {
    const p = parseCoords(d.coords);
    if (!p) return { field: 'destination', problem: 'Type the destination as latitude, longitude (for example 48.13743, 11.57549), or pick it on the map.' };
    destination = { latitude: p.lat, longitude: p.lng, label: text(d.label) };
  } else if (d.label.trim()) {
    return { field: 'destination', problem: 'Add the destination’s coordinates too (type them or pick the place on the map), or clear the place name.' };
  }
  return {
    body: {
      device_id: deviceId,
      expires_in_hours: d.hours,
      recipient_name: text(d.recipient),
      order_id: text(d.orderId),
      notes: text(d.notes),
      destination,
      share_config: d.config,
    },
  };
}
