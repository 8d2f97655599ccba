/**
 * Device timestamps arrive as epoch seconds, epoch milliseconds or ISO-8601 strings.
 * Returns epoch milliseconds, or a reason the value cannot be a time.
 */
export function parseDeviceTime(value: number | string): number | string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return 'timestamp must be a positive epoch time';
    return Math.round(value < 1e11 ? value * 1000 : value);
  }
  if (/^\d+(\.\d+)?$/.test(value)) return parseDeviceTime(Number(value));
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? `timestamp "${value.slice(0, 40)}" is not a time` : ms;
}
