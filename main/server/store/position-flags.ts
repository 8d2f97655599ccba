/**
 * positions.flags, bit by bit. A hidden fix is stored (the track keeps it) but never becomes the
 * device's latest position nor goes out live; the clock flags only say its time was corrected.
 */

/** The fix implies an impossible speed from the device's last one (a GPS jump; ingest/plausibility.ts). */
export const FLAG_IMPLAUSIBLE = 1;
/** The device time was ahead of arrival: stored at arrival, the phone's own time in reported_time (ingest/phone-clock.ts). */
export const FLAG_CLOCK_AHEAD = 2;
/** A GPS week-rollover date, corrected; the phone's own time in reported_time (ingest/phone-clock.ts). */
export const FLAG_GPS_ROLLOVER = 4;

export const HIDDEN_FLAGS = FLAG_IMPLAUSIBLE;

export const isHidden = (flags: number): boolean => (flags & HIDDEN_FLAGS) !== 0;
