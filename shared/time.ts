/** Epoch milliseconds as the ISO-8601 strings every API answers with. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** The same for an optional time. */
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
