import { API_PREFIX, LoginLinkBody, LoginReply } from '../../../../shared/api/schemas';
import { DomainError } from '../../errors';
import type { ServerContext } from '../../context';
import { redeemLoginLink } from '../../login-links';
import type { App } from '../app-type';
import { assertNotLocked, countFailure, keysOf } from '../attempts';
import { forbidden, unauthorized } from '../errors';
import { errors } from './helpers';

/**
 * Exchanges a one-time sign-in link (`/?login=CODE`) for a session, like POST /auth/login.
 * Failed attempts count per client address: codes are 256-bit random, so this only keeps a
 * misbehaving client from hammering the database.
 */
export function loginLinkRoutes(app: App, ctx: ServerContext): void {
  app.post(
    `${API_PREFIX}/auth/link`,
    {
      schema: {
        summary: 'Sign in with the code of a one-time sign-in link; returns a JWT',
        tags: ['auth'],
        body: LoginLinkBody,
        response: { 200: LoginReply, ...errors(400, 401, 403, 429) },
      },
    },
    (req) => {
      // Counted per address on their own: failed links never hold up password sign-ins.
      const keys = [keysOf(ctx).account('\u0000link', req.ip)];
      assertNotLocked(ctx, keys, 'failed sign-ins');
      let user;
      try {
        user = redeemLoginLink(ctx.accounts, req.body.code);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        countFailure(ctx, keys);
        throw unauthorized(err.message);
      }
      // The link was made for an office or admin user; the role may have changed since.
      if (user.role === 'driver') throw forbidden('drivers do not sign in here; they use a device token');
      const { token, expiresAt } = ctx.tokens.sign(
        { userId: user.user_id, userPk: user.pk, role: user.role, company: user.company_id, tokenVersion: user.token_version },
        ctx.config.sessionTtlSeconds,
      );
      return { token, expires_at: expiresAt.toISOString(), user: { id: user.user_id, role: user.role, company: user.company_id } };
    },
  );
}
