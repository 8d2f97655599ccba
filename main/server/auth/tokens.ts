import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from '../../../shared/ids';
import { isRole } from '../../../shared/ids';
import { systemClock, type Clock } from '../clock';

/** What a FleetDesk token says about its holder. */
export interface TokenClaims {
  /** user id */
  sub: string;
  role: Role;
  company: string;
  /** the user's internal key: a user deleted and created again under the same id is another user */
  uid: number;
  /** the user's token version when issued; bumping it revokes every older token */
  tv: number;
  /** expiry, epoch seconds */
  exp: number;
}

export class TokenError extends Error {
  constructor(
    message: string,
    readonly expired = false,
  ) {
    super(message);
  }
}

const ALGORITHM = 'HS256';
export const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;

export class TokenService {
  /** A KeyObject made once: given raw bytes, jsonwebtoken tries (and fails) to parse a public key on every verify. */
  private readonly secret: crypto.KeyObject;

  constructor(
    secret: Buffer,
    /** tokens are issued and expire on the server's clock */
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.secret = crypto.createSecretKey(secret);
  }

  sign(claims: { userId: string; userPk: number; role: Role; company: string; tokenVersion: number }, ttlSeconds: number): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.clock.now() / 1000);
    const token = jwt.sign({ role: claims.role, company: claims.company, uid: claims.userPk, tv: claims.tokenVersion, iat }, this.secret, {
      algorithm: ALGORITHM,
      subject: claims.userId,
      expiresIn: ttlSeconds,
    });
    const { exp } = jwt.decode(token) as { exp: number };
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Verifies signature and expiry; throws TokenError with a message fit for the client. */
  verify(token: string): TokenClaims {
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.secret, { algorithms: [ALGORITHM], clockTimestamp: Math.floor(this.clock.now() / 1000) });
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new TokenError('the token has expired', true);
      throw new TokenError('the token is not valid');
    }
    const c = decoded as Partial<TokenClaims>;
    if (typeof c.sub !== 'string' || !isRole(c.role) || typeof c.company !== 'string' || typeof c.exp !== 'number' || typeof c.tv !== 'number' || typeof c.uid !== 'number') {
      throw new TokenError('the token does not carry FleetDesk claims');
    }
    return c as TokenClaims;
  }
}
