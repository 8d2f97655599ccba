/**
 * What a device key looks like, for the server and the console alike. A key FleetDesk makes is
 * 144 random bits, base64url (24 characters); it alone identifies the company and the driver,
 * so a phone app that knows only one "device identifier" field can use it.
 */

/** What an identifier a phone sends may look like: URL-safe, at most 128 characters. */
export const DEVICE_KEY_PATTERN = '^[A-Za-z0-9._~-]{1,128}$';
export const DEVICE_KEY_REGEX = new RegExp(DEVICE_KEY_PATTERN);

/** Shorter identifiers can be guessed: they never become keys again (older adopted ones are flagged). */
export const STRONG_KEY_LENGTH = 22;
