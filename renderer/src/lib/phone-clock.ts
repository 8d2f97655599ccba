/** What a corrected fix says about the phone's clock, in words a dispatcher can pass on to a driver. */
import type { LivePosition } from '../store/fleet-store';

export interface ClockNote {
  state: 'ahead' | 'rollover';
  /** "Phone clock 2 h ahead" */
  short: string;
  /** what it means and what to do */
  detail: string;
}

/** "2 h", "15 min", "3 days" */
export function offsetWords(ms: number): string {
  const s = Math.abs(ms) / 1000;
  if (s >= 2 * 86_400) return `${Math.round(s / 86_400)} days`;
  if (s >= 5400) return `${Math.round(s / 3600)} h`;
  if (s >= 90) return `${Math.round(s / 60)} min`;
  return `${Math.round(s)} s`;
}

const WEEK_MS = 7 * 86_400_000;

export function clockNote(p: LivePosition | null): ClockNote | null {
  if (!p || p.reportedTime === null || p.reportedTime === undefined) return null;
  const offset = p.reportedTime - p.time;
  if (offset > 0) {
    return {
      state: 'ahead',
      short: `Phone clock ${offsetWords(offset)} ahead`,
      detail: 'Its positions are placed at the time they arrive. Ask the driver to turn on automatic date and time in the phone settings.',
    };
  }
  return {
    state: 'rollover',
    short: `GPS date ${Math.round(-offset / WEEK_MS).toLocaleString()} weeks behind`,
    detail: 'The phone’s GPS lost count of its week number (a known fault of older receivers); FleetDesk corrects the date.',
  };
}
