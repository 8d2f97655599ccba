import crypto from 'node:crypto';

/**
 * A device key: 144 random bits, base64url (24 characters). It alone identifies the company
 * and the driver, so phones' apps that know only one "device identifier" field can use it.
 */
export function newDeviceKey(): string {
  return crypto.randomBytes(18).toString('base64url');
}

/** What an identifier a phone sends may look like: URL-safe, at most 128 characters. */
export const DEVICE_KEY_PATTERN = '^[A-Za-z0-9._~-]{1,128}$';
export const DEVICE_KEY_REGEX = new RegExp(DEVICE_KEY_PATTERN);

/** Keys shorter than this were adopted from an app's own identifier: guessable, warn about them. */
export const STRONG_KEY_LENGTH = 22;
