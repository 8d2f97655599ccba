import { badRequest } from '../errors';

/** What Date.parse may see: ISO-8601 only, not V8's lenient legacy formats ("yesterday 5" is May 2001). */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Device timestamps arrive as epoch seconds, epoch milliseconds or ISO-8601 strings.
 * Returns epoch milliseconds; throws BadRequest when the value cannot be a time. An ISO time without an
 * offset is taken as UTC: the phone's zone is unknown and the server's says nothing about it.
 */
export function parseDeviceTime(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw badRequest('timestamp must be a positive epoch time');
    return Math.round(value < 1e11 ? value * 1000 : value);
  }
  if (/^\d+(\.\d+)?$/.test(value)) return parseDeviceTime(Number(value));
  const bad = () => badRequest(`timestamp "${value.slice(0, 40)}" is not a time`);
  const m = ISO_8601.exec(value);
  if (!m) throw bad();
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Date.parse would roll an impossible date over (Feb 30 → Mar 2).
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw bad();
  const hasTime = value.length > 10;
  const ms = Date.parse(hasTime && !m[4] ? `${value.replace(' ', 'T')}Z` : value.replace(' ', 'T'));
  if (Number.isNaN(ms)) throw bad();
  return ms;
}
