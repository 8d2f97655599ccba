/**
 * Notification destination secrets in the desktop app are sealed with Electron's safeStorage
 * (the system keychain on macOS, DPAPI on Windows, libsecret/kwallet on Linux), handed to the
 * server as its `secretSealer` (the server never imports electron). Where safeStorage cannot
 * protect anything — not available, or Linux's `basic_text` backend with its fixed password —
 * the server's own key-file sealer (0600 in the data folder) seals new secrets instead, and that
 * is said in the log. Secrets sealed either way stay readable where they can be: the server opens
 * both prefixes.
 */
import type { Logger } from '../server/logger';
import type { Sealer } from '../server/notify/secret-box';
import type { SafeStorageLike } from './electron-api';

export function safeStorageSealer(s: SafeStorageLike, logger: Pick<Logger, 'info' | 'warn'>): Sealer | null {
  if (!s.isEncryptionAvailable()) {
    logger.warn('the system keychain is not available: destination secrets are sealed with the key file in the data folder');
    return null;
  }
  const backend = s.getSelectedStorageBackend?.();
  const basic = backend === 'basic_text';
  if (basic) logger.warn('no keyring on this Linux desktop (safeStorage basic_text): new destination secrets are sealed with the key file in the data folder');
  return {
    prefix: 'ss1:',
    // what the keychain sealed earlier still opens
    openOnly: basic,
    seal: (plain) => s.encryptString(plain).toString('base64'),
    open: (body) => s.decryptString(Buffer.from(body, 'base64')),
  };
}
