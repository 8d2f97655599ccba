import type { Accounts } from '../accounts';
import { AccountError, addUser, requireUser } from '../accounts';
import type { UserRow } from '../store/users';
import { DEVICE_KEY_REGEX, newDeviceKey } from './device-key';
import type { UnknownDeviceStore } from './unknown-devices';

export type Resolution =
  | { ok: true; device: UserRow }
  | { ok: false; status: 401 | 404; error: 'Unauthorized' | 'NotFound'; message: string };

/**
 * The driver a phone's identifier belongs to. An identifier no driver has is remembered as an
 * unknown device (so an admin can adopt it); a disabled driver is refused.
 */
export function resolveDevice(
  users: Accounts['users'],
  unknown: UnknownDeviceStore,
  identifier: string,
  protocol: string,
  remote: string | null,
  at?: { lat: number; lng: number },
): Resolution {
  const shown = identifier.length > 40 ? `${identifier.slice(0, 40)}…` : identifier;
  const user = DEVICE_KEY_REGEX.test(identifier) ? users.getByDeviceKey(identifier) : undefined;
  if (!user || user.role !== 'driver') {
    if (DEVICE_KEY_REGEX.test(identifier)) unknown.record(identifier, protocol, remote, at);
    return { ok: false, status: 404, error: 'NotFound', message: `unknown device "${shown}": no driver has this device key; an admin can adopt it in the console` };
  }
  if (user.disabled) return { ok: false, status: 401, error: 'Unauthorized', message: `the driver of device "${shown}" is disabled` };
  return { ok: true, device: user };
}

/** Gives a driver a new random device key: the old key and every token stop working at once. */
export function rotateDeviceKey(a: Accounts, companyId: string, userId: string): UserRow {
  const user = requireDriver(a, companyId, userId);
  for (;;) {
    if (a.users.setDeviceKey(user.pk, newDeviceKey())) return a.users.getByPk(user.pk) as UserRow;
  }
}

export function requireDriver(a: Accounts, companyId: string, userId: string): UserRow {
  const user = requireUser(a, companyId, userId);
  if (user.role !== 'driver') throw new AccountError('BadRequest', `user "${userId}" is not a driver; only drivers have device keys`);
  return user;
}

/**
 * Adopts an identifier an unknown phone reported with: it becomes the device key of an existing
 * driver, or of a new driver created with `userId`. The unknown-device entry is removed.
 */
export async function adoptDevice(
  a: Accounts,
  unknown: UnknownDeviceStore,
  companyId: string,
  identifier: string,
  target: { userId: string; displayName?: string | null },
): Promise<UserRow> {
  if (!unknown.get(identifier)) throw new AccountError('NotFound', `no unknown device "${identifier}"`);
  if (a.users.getByDeviceKey(identifier)) throw new AccountError('Conflict', `"${identifier}" is already a device key`);
  const existing = a.users.get(companyId, target.userId);
  let user: UserRow;
  if (existing) {
    if (existing.role !== 'driver') throw new AccountError('BadRequest', `user "${target.userId}" is not a driver`);
    if (!a.users.setDeviceKey(existing.pk, identifier)) throw new AccountError('Conflict', `"${identifier}" is already a device key`);
    user = a.users.getByPk(existing.pk) as UserRow;
  } else {
    user = await addUser(a, { companyId, userId: target.userId, role: 'driver', display_name: target.displayName ?? null });
    if (!a.users.setDeviceKey(user.pk, identifier)) throw new AccountError('Conflict', `"${identifier}" is already a device key`);
    user = a.users.getByPk(user.pk) as UserRow;
  }
  unknown.remove(identifier);
  return user;
}
