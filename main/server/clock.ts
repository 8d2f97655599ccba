/**
 * The server's one source of "now". Everything time-dependent that is new reads it from the
 * server's context, so tests move time instead of waiting for it (`clock` in the config).
 */
export interface Clock {
  /** epoch milliseconds */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
