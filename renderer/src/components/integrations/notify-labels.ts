/**
 * How the console words notifications: the seed's event names as plain labels in groups, the
 * summaries of a destination's events and devices, its health, and the delivery states.
 */
import { EVENT_NAMES, type EventName } from '../../../../shared/api/events';
import type { DeliveryState, Destination } from '../../../../shared/api/notifications';

export const EVENT_LABELS: Record<EventName, string> = {
  IncomingTrackReceived: 'Trip received',
  IncomingTrackRemoved: 'Trip removed',
  TrackEnrichmentFinished: 'Trip finished processing',
  AccidentEventReceived: 'Crash reported',
  AccidentEventExtraReceived: 'Crash details received',
  AccidentEventCompletePackageReceived: 'Crash data complete',
  AccidentEventFiltered: 'Crash checked',
  HeartbeatReceived: 'Phone status (battery, GPS, network)',
  SosReceived: 'SOS pressed',
  ShareSessionCreated: 'Share link created',
  ShareSessionArrived: 'Driver arrived',
  ShareSessionCompleted: 'Share completed',
  ShareSessionCancelled: 'Share cancelled',
  ShareSessionExpired: 'Share link expired',
};

export interface EventGroup {
  label: string;
  events: EventName[];
}

const GROUP_OF: Record<EventName, string> = {
  IncomingTrackReceived: 'Trips',
  IncomingTrackRemoved: 'Trips',
  TrackEnrichmentFinished: 'Trips',
  AccidentEventReceived: 'Crashes',
  AccidentEventExtraReceived: 'Crashes',
  AccidentEventCompletePackageReceived: 'Crashes',
  AccidentEventFiltered: 'Crashes',
  HeartbeatReceived: 'Phone status',
  SosReceived: 'SOS',
  ShareSessionCreated: 'Shares',
  ShareSessionArrived: 'Shares',
  ShareSessionCompleted: 'Shares',
  ShareSessionCancelled: 'Shares',
  ShareSessionExpired: 'Shares',
};

/** Trips, Crashes, Phone status, SOS, Shares — each with its events in the seed's order. */
export const EVENT_GROUPS: EventGroup[] = ['Trips', 'Crashes', 'Phone status', 'SOS', 'Shares'].map((label) => ({
  label,
  events: EVENT_NAMES.filter((e) => GROUP_OF[e] === label),
}));

export const eventLabel = (name: string): string => EVENT_LABELS[name as EventName] ?? name;

/** "All events", "SOS pressed", or the groups: "Trips, Crashes (2 of 4)". */
export function eventsSummary(events: readonly string[]): string {
  const on = new Set(events);
  if (EVENT_NAMES.every((e) => on.has(e))) return 'All events';
  if (on.size === 0) return 'No events';
  if (on.size === 1) return eventLabel([...on][0]!);
  return EVENT_GROUPS.map((g) => {
    const n = g.events.filter((e) => on.has(e)).length;
    if (n === 0) return null;
    return n === g.events.length ? g.label : `${g.label} (${n} of ${g.events.length})`;
  })
    .filter(Boolean)
    .join(', ');
}

/** "All devices", "Van 1, Van 2", or "5 devices". */
export function devicesSummary(devices: readonly string[] | null, nameOf: (id: string) => string): string {
  if (devices === null) return 'All devices';
  if (devices.length === 0) return 'No devices';
  if (devices.length <= 2) return devices.map(nameOf).join(', ');
  return `${devices.length} devices`;
}

/** "12:03" (or "1:42 PM", as the locale writes it) today, else "3 Dec 12:03". */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${time}`;
}

export interface Health {
  tone: 'ok' | 'failing' | 'off';
  text: string;
  detail: string | null;
}

export function destinationHealth(d: Destination): Health {
  if (!d.enabled) return { tone: 'off', text: 'Off', detail: null };
  if (d.health.failing_since) return { tone: 'failing', text: `Failing since ${shortTime(d.health.failing_since)}`, detail: d.health.last_error };
  return { tone: 'ok', text: 'Delivering', detail: d.health.last_success_at ? `last at ${shortTime(d.health.last_success_at)}` : null };
}

export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = {
  pending: 'Waiting',
  retrying: 'Retrying',
  delivered: 'Delivered',
  dead: 'Dead letter',
};

/** The receiver's last answer: "200", "500 — the receiver answered …", or the error alone. */
export function lastAnswer(status: number | null, error: string | null): string {
  if (status !== null && error) return `${status} — ${error}`;
  if (status !== null) return String(status);
  return error ?? '—';
}
