/**
 * Company and user management shared by the CLI and the REST API, with one set of rules
 * and one set of error messages.
 */
import { ID_REGEX, type Role } from '../../shared/ids';
import { DomainError } from './errors';
import { PASSWORD_MIN } from '../../shared/api/schemas';
import { hashPassword } from './auth/passwords';
import { MAX_TTL_SECONDS, type TokenService } from './auth/tokens';
import type { CompanyRow, CompanyStore } from './store/companies';
import { slugify } from './store/companies';
import type { Profile, UserRow, UserStore } from './store/users';
import type { LoginLinkStore } from './store/login-links';
import type { Clock } from './clock';


/**
 * The accounts facade: the stores and services company and user management needs. The server
 * builds it once (ServerContext.accounts); the CLI, the demo and the desktop app open one on a
 * data folder with openAccounts (./open-accounts.ts).
 */
export interface Accounts {
  companies: CompanyStore;
  users: UserStore;
  tokens: TokenService;
  links: LoginLinkStore;
  clock: Clock;
}

function checkId(what: string, id: string): void {
  if (!ID_REGEX.test(id)) {
    throw new DomainError('BadRequest', `${what} "${id}" is not valid: use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
}

export function addCompany(a: Accounts, name: string, id?: string): CompanyRow {
  const trimmed = name.trim();
  if (!trimmed) throw new DomainError('BadRequest', 'a company needs a name');
  if (id !== undefined) {
    checkId('company id', id);
    if (!a.companies.create(id, trimmed)) throw new DomainError('Conflict', `company "${id}" already exists`);
    return a.companies.get(id) as CompanyRow;
  }
  const base = slugify(trimmed);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (a.companies.create(candidate, trimmed)) return a.companies.get(candidate) as CompanyRow;
  }
}

export function requireCompany(a: Accounts, companyId: string): CompanyRow {
  const c = a.companies.get(companyId);
  if (!c) throw new DomainError('NotFound', `no company "${companyId}"`);
  return c;
}

export function requireUser(a: Accounts, companyId: string, userId: string): UserRow {
  requireCompany(a, companyId);
  const u = a.users.get(companyId, userId);
  if (!u) throw new DomainError('NotFound', `no user "${userId}" in company "${companyId}"`);
  return u;
}

export async function passwordHashFor(password: string | undefined): Promise<string | null> {
  if (password === undefined) return null;
  if (password.length < PASSWORD_MIN) throw new DomainError('BadRequest', `a password needs at least ${PASSWORD_MIN} characters`);
  return hashPassword(password);
}

export interface NewUserInput extends Profile {
  companyId: string;
  userId: string;
  role: Role;
  password?: string;
}

export async function addUser(a: Accounts, input: NewUserInput): Promise<UserRow> {
  requireCompany(a, input.companyId);
  checkId('user id', input.userId);
  if (input.role === 'driver' && input.password !== undefined) {
    throw new DomainError('BadRequest', 'drivers have no password; they connect with a token');
  }
  const passwordHash = await passwordHashFor(input.password);
  const { companyId, userId, role, password: _pw, ...profile } = input;
  const row = a.users.create({ companyId, userId, role, passwordHash, ...profile });
  if (!row) throw new DomainError('Conflict', `user "${userId}" already exists in company "${companyId}"`);
  return row;
}

export function issueToken(a: Accounts, companyId: string, userId: string, ttlSeconds: number): { token: string; expiresAt: Date; user: UserRow } {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new DomainError('BadRequest', `--ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`);
  }
  const user = requireUser(a, companyId, userId);
  if (user.disabled) throw new DomainError('BadRequest', `user "${userId}" is disabled`);
  const { token, expiresAt } = a.tokens.sign({ userId, userPk: user.pk, role: user.role, company: companyId, tokenVersion: user.token_version }, ttlSeconds);
  return { token, expiresAt, user };
}
