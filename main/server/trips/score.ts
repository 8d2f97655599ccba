import type { EventCounts } from '../../../shared/api/trips';

/** Penalty points per event (speeding: per minute over the limit). */
export const SCORE_PENALTIES = { harsh_acceleration: 5, harsh_braking: 8, harsh_cornering: 5, speeding_per_minute: 3 } as const;

/** The safety score formula, as shown with every RichTrack (score_formula). */
export const SCORE_FORMULA =
  'score = clamp(100 − (5·harsh accelerations + 8·harsh brakings + 5·harsh cornerings + 3·minutes speeding) × 10 / max(distance km, 1), 0, 100), ' +
  'rounded to one decimal: penalty points per 10 km driven (trips under 1 km count as 1 km). ' +
  'Thresholds: acceleration ≥ 3.0 m/s², braking ≤ −3.5 m/s², cornering v·ω ≥ 3.5 m/s² above 20 km/h (fixes ≤ 5 s apart), speeding above the company limit for ≥ 10 s.';

/** The 0–100 safety score of SCORE_FORMULA. */
export function safetyScore(counts: EventCounts, speedingS: number, distanceM: number): number {
  const p = SCORE_PENALTIES;
  const points = p.harsh_acceleration * counts.harsh_acceleration + p.harsh_braking * counts.harsh_braking + p.harsh_cornering * counts.harsh_cornering + (p.speeding_per_minute * speedingS) / 60;
  const km = Math.max(distanceM / 1000, 1);
  const score = 100 - (points * 10) / km;
  return Math.round(Math.min(100, Math.max(0, score)) * 10) / 10;
}
