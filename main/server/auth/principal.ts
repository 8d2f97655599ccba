import type { Role } from '../../../shared/ids';
import type { UserStore } from '../store/users';
import type { TokenService } from './tokens';
import { TokenError } from './tokens';
import { unauthorized } from '../errors';

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

/**
 * Verifies a bearer token and that its user still exists, is enabled, and has not had its
 * tokens revoked since (else Unauthorized). Reads the database each time, so the CLI's changes
 * apply at once.
 */
export function authenticateToken(token: string, tokens: TokenService, users: UserStore): Principal {
  let claims;
  try {
    claims = tokens.verify(token);
  } catch (err) {
    if (err instanceof TokenError) throw unauthorized(err.message);
    throw err;
  }
  const user = users.get(claims.company, claims.sub);
  if (!user || user.pk !== claims.uid) throw unauthorized('the user of this token does not exist');
  if (user.disabled) throw unauthorized('the user is disabled');
  if (user.token_version !== claims.tv || user.role !== claims.role) throw unauthorized('the token was revoked');
  return { userPk: user.pk, userId: user.user_id, role: user.role, companyId: user.company_id, tokenVersion: user.token_version, expiresAt: claims.exp * 1000 };
}

/** Whether a principal checked earlier still holds: same user, enabled, tokens not revoked, same role. */
export function stillValid(p: Principal, users: UserStore): boolean {
  const u = users.get(p.companyId, p.userId);
  return !!u && u.pk === p.userPk && !u.disabled && u.token_version === p.tokenVersion && u.role === p.role;
}
