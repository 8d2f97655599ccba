import type { Accounts } from '../accounts';
import { addUser, requireUser } from '../accounts';
import { DomainError } from '../errors';
import { notFound, unauthorized } from '../errors';
import { DEVICE_KEY_REGEX, STRONG_KEY_LENGTH } from '../../../shared/device-key';
import { newDeviceKey, type UserRow } from '../store/users';
import type { UnknownDeviceStore } from '../store/unknown-devices';

/**
 * The driver a phone's identifier belongs to. A disabled driver is refused (Unauthorized). A key
 * its company replaced is refused as replaced (Unauthorized), and listed for that company only;
 * an identifier the company declared in advance is listed for it to adopt (NotFound). Anything
 * else is unknown (NotFound, a guess) and recorded nowhere: it belongs to no company.
 */
export function resolveDevice(
  users: Accounts['users'],
  unknown: UnknownDeviceStore,
  identifier: string,
  protocol: string,
  remote: string | null,
  at?: { lat: number; lng: number },
): UserRow {
  const shown = identifier.length > 40 ? `${identifier.slice(0, 40)}…` : identifier;
  const valid = DEVICE_KEY_REGEX.test(identifier);
  const user = valid ? users.getByDeviceKey(identifier) : undefined;
  if (user && user.role === 'driver') {
    if (user.disabled) throw unauthorized(`the driver of device "${shown}" is disabled`);
    return user;
  }
  const retired = valid && !user ? users.retired(identifier) : undefined;
  if (retired) {
    unknown.record({ identifier, company_id: retired.company_id, kind: 'retired', user_id: retired.user_id }, protocol, remote, at);
    throw unauthorized('this device key was replaced in FleetDesk: enter the new key shown in the console (Connect a phone) in this app');
  }
  const expected = valid && !user ? unknown.expected(identifier) : undefined;
  if (expected) {
    unknown.record({ identifier, company_id: expected.company_id, kind: 'expected' }, protocol, remote, at);
    throw notFound(`device "${shown}" is not adopted yet: an admin adopts it in the console`);
  }
  throw notFound(`unknown device "${shown}": no driver has this device key`, { guess: true });
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
  if (user.role !== 'driver') throw new DomainError('BadRequest', `user "${userId}" is not a driver; only drivers have device keys`);
  return user;
}

/** Why an identifier cannot become a device key, or null. */
export function weakIdentifierProblem(identifier: string): string | null {
  if (!DEVICE_KEY_REGEX.test(identifier)) return 'an identifier is 1 to 128 letters, digits or . _ ~ -';
  if (identifier.length < STRONG_KEY_LENGTH) {
    return `"${identifier}" is too short to be a device key (at least ${STRONG_KEY_LENGTH} characters): short identifiers can be guessed. Set the app's identifier to the device key shown in Connect a phone instead`;
  }
  return null;
}

/**
 * Declares that a phone will report with this identifier (an app's own strong identifier), so
 * that the company can adopt it when it does. Nobody else can declare or adopt it.
 */
export function expectDevice(a: Accounts, unknown: UnknownDeviceStore, companyId: string, identifier: string, note: string | null): void {
  const weak = weakIdentifierProblem(identifier);
  if (weak) throw new DomainError('BadRequest', weak);
  if (a.users.getByDeviceKey(identifier) || a.users.retired(identifier)) throw new DomainError('Conflict', `"${identifier}" is already a device key, or was one`);
  if (!unknown.expect(companyId, identifier, note)) throw new DomainError('Conflict', `"${identifier}" is already declared`);
}

/**
 * Adopts an identifier the company declared and that has reported: it becomes the device key of
 * an existing driver, or of a new driver created with `userId`. The entry is removed.
 */
export async function adoptDevice(
  a: Accounts,
  unknown: UnknownDeviceStore,
  companyId: string,
  identifier: string,
  target: { userId: string; displayName?: string | null },
): Promise<UserRow> {
  const entry = unknown.get(companyId, identifier);
  if (!entry) throw new DomainError('NotFound', `no unknown device "${identifier}"`);
  if (entry.kind !== 'expected') throw new DomainError('Conflict', `"${identifier}" is a key this company replaced: set the new key in the phone's app instead`);
  const weak = weakIdentifierProblem(identifier);
  if (weak) throw new DomainError('BadRequest', weak);
  if (a.users.getByDeviceKey(identifier)) throw new DomainError('Conflict', `"${identifier}" is already a device key`);
  const existing = a.users.get(companyId, target.userId);
  let user: UserRow;
  if (existing) {
    if (existing.role !== 'driver') throw new DomainError('BadRequest', `user "${target.userId}" is not a driver`);
    if (!a.users.setDeviceKey(existing.pk, identifier)) throw new DomainError('Conflict', `"${identifier}" is already a device key`);
    user = a.users.getByPk(existing.pk) as UserRow;
  } else {
    user = await addUser(a, { companyId, userId: target.userId, role: 'driver', display_name: target.displayName ?? null });
    if (!a.users.setDeviceKey(user.pk, identifier)) throw new DomainError('Conflict', `"${identifier}" is already a device key`);
    user = a.users.getByPk(user.pk) as UserRow;
  }
  unknown.remove(companyId, identifier);
  return user;
}
