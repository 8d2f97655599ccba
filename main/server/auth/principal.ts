import type { Role } from '../../../shared/ids';
import type { UserStore } from '../store/users';
import type { TokenService } from './tokens';
import { TokenError } from './tokens';

/** Who is calling, after the token and the user's current state were checked. */
export interface Principal {
  userPk: number;
  userId: string;
  role: Role;
  companyId: string;
  /** the user's token version the token was issued for */
  tokenVersion: number;
  /** token expiry, epoch milliseconds */
  expiresAt: number;
}

export class AuthError extends Error {
  constructor(
    message: string,
    readonly expired = false,
  ) {
    super(message);
  }
}

/**
 * Verifies a bearer token and that its user still exists, is enabled, and has not had its
 * tokens revoked since. Reads the database each time, so the CLI's changes apply at once.
 */
export function authenticateToken(token: string, tokens: TokenService, users: UserStore): Principal {
  let claims;
  try {
    claims = tokens.verify(token);
  } catch (err) {
    if (err instanceof TokenError) throw new AuthError(err.message, err.expired);
    throw err;
  }
  const user = users.get(claims.company, claims.sub);
  if (!user || user.pk !== claims.uid) throw new AuthError('the user of this token does not exist');
  if (user.disabled) throw new AuthError('the user is disabled');
  if (user.token_version !== claims.tv || user.role !== claims.role) throw new AuthError('the token was revoked');
  return { userPk: user.pk, userId: user.user_id, role: user.role, companyId: user.company_id, tokenVersion: user.token_version, expiresAt: claims.exp * 1000 };
}

/** Whether a principal checked earlier still holds: same user, enabled, tokens not revoked, same role. */
export function stillValid(p: Principal, users: UserStore): boolean {
  const u = users.get(p.companyId, p.userId);
  return !!u && u.pk === p.userPk && !u.disabled && u.token_version === p.tokenVersion && u.role === p.role;
}
