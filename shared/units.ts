/** Unit conversions. Stored and REST values are SI; wire formats convert once, at the edge. */
export const KMH_PER_MS = 3.6;
export const KNOTS_PER_MS = 1.943844492;

export const kmhToMs = (kmh: number): number => kmh / KMH_PER_MS;
export const msToKmh = (ms: number): number => ms * KMH_PER_MS;
export const knotsToMs = (knots: number): number => knots / KNOTS_PER_MS;

/** Rounds for display on the wire, so a float conversion does not leak 14 decimals. */
export const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
