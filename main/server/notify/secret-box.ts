/**
 * Destination secrets (webhook signing secrets, AWS secret keys, Azure keys and connection
 * strings) are sealed before they reach the database and opened only to build a provider client.
 * Two sealers, told apart by a prefix so a database moved between the desktop app and `serve`
 * says clearly which secrets it cannot open:
 * - `k1:` AES-256-GCM with a random key kept in `notify.key` beside the database (0600, in the
 *   owner-only data folder): headless mode, and the desktop app where the system keychain is
 *   unavailable;
 * - `ss1:` Electron's `safeStorage` (the system keychain / DPAPI / libsecret), supplied by the
 *   desktop shell through the server config (main/electron), since the server never imports
 *   electron.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const KEY_FILE = 'notify.key';

/** Seals and opens short secrets. `open` throws when it cannot (another machine's keychain, a lost key file). */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** A sealer with its prefix; the desktop shell passes one built on safeStorage. */
export interface Sealer {
  prefix: string;
  /** opens what it sealed before, but new secrets are sealed with the key file (a keychain that no longer protects) */
  openOnly?: boolean;
  seal(plain: string): string;
  open(body: string): string;
}

function loadOrCreateKey(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  try {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length === 32) return key;
    throw new Error(`${file} does not hold a 32-byte key`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

/** AES-256-GCM with the data folder's key file (made on first use, 0600). */
export function keyFileSealer(dataDir: string): Sealer {
  let key: Buffer | null = null;
  const k = () => (key ??= loadOrCreateKey(dataDir));
  return {
    prefix: 'k1:',
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', k(), iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
    },
    open(sealed) {
      const raw = Buffer.from(sealed, 'base64');
      const d = createDecipheriv('aes-256-gcm', k(), raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

/**
 * Seals with `primary` (safeStorage in the desktop app, else the key file) and opens whatever
 * any of `sealers` sealed.
 */
export function secretBox(primary: Sealer, ...others: Sealer[]): SecretBox {
  const all = [primary, ...others];
  return {
    seal: (plain) => primary.prefix + primary.seal(plain),
    open(sealed) {
      const s = all.find((x) => sealed.startsWith(x.prefix));
      if (!s) throw new Error('sealed by a method this FleetDesk does not have (desktop keychain vs. headless key file)');
      try {
        return s.open(sealed.slice(s.prefix.length));
      } catch {
        throw new Error(
          s.prefix === 'k1:'
            ? `the key file ${KEY_FILE} in the data folder does not open this secret (replaced or lost)`
            : "the system keychain does not open this secret (sealed on another machine or user account)",
        );
      }
    },
  };
}
