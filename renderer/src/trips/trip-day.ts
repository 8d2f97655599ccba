/** Days in the trips view: 'YYYY-MM-DD' in the dispatcher's local time zone, and the period each covers. */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const pad = (n: number) => String(n).padStart(2, '0');

export const dayOf = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

export const today = (): string => dayOf(new Date());

/** A valid day string, or null. */
export function parseDay(s: string | undefined): Date | null {
  const m = s ? DAY.exec(s) : null;
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return dayOf(d) === s ? d : null;
}

export function addDays(day: string, n: number): string {
  const d = parseDay(day) ?? new Date();
  return dayOf(new Date(d.getFullYear(), d.getMonth(), d.getDate() + n));
}

/** The local day as an ISO period [from, to): midnight to the next midnight (23 or 25 h on DST days). */
export function dayRange(day: string): { from: string; to: string } {
  const d = parseDay(day) ?? new Date();
  const from = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const to = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1);
  return { from: from.toISOString(), to: to.toISOString() };
}

export function formatDayLong(day: string): string {
  const d = parseDay(day);
  return d ? d.toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }) : day;
}
