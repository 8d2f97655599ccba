import { badRequest } from '../errors';

/**
 * Reading the loosely typed values phone apps put in query strings, form bodies and JSON:
 * one place decides what counts as a number, a boolean or "not given", so the OsmAnd,
 * GPSLogger and OwnTracks adapters answer the same way to the same mistakes.
 */

/** The first value of every key of a query string or form body ("a=1&a=2" → a: "1"). */
export function formParams(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!text) return out;
  for (const [k, v] of new URLSearchParams(text)) if (!(k in out)) out[k] = v;
  return out;
}

/** The query string of a request URL, without the `?`. */
export const queryOf = (url: string): string => {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
};

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number, or undefined when the value is absent or empty; a reason when it is not a number. */
export function decimal(name: string, value: string | undefined): number | undefined | { problem: string } {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (!DECIMAL.test(v)) return { problem: `${name} "${v.slice(0, 40)}" is not a number` };
  return Number(v);
}

/** true/false, 1/0, yes/no (any case); undefined when absent or anything else. */
export function flag(value: string | boolean | number | undefined | null): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  return undefined;
}

/** A bearing in [0, 360); one already in range is kept exactly (the modulo would add float noise). */
export const normalBearing = (deg: number): number => (deg >= 0 && deg < 360 ? deg : ((deg % 360) + 360) % 360);

/** A battery level in %, or undefined when the app says "unknown" (negative) or nonsense. */
export const batteryPercent = (pct: number | undefined): number | undefined =>
  pct === undefined || !Number.isFinite(pct) || pct < 0 || pct > 100 ? undefined : pct;

/** Reads decimal fields and throws BadRequest for a malformed one, so parsers stay linear. */
export function reader(params: Record<string, string | undefined>) {
  return (...names: string[]): number | undefined => {
    for (const name of names) {
      const v = decimal(name, params[name]);
      if (typeof v === 'object') throw badRequest(v.problem);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

/** The first non-empty parameter among names. */
export function firstOf(params: Record<string, string | undefined>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = params[n]?.trim();
    if (v) return v;
  }
  return undefined;
}
