import { API_PREFIX, LoginLinkBody, LoginReply } from '../../../../shared/api/schemas';
import { AccountError } from '../../accounts';
import type { ServerContext } from '../../context';
import { redeemLoginLink } from '../../login-links';
import type { App } from '../app';
import { HttpError, forbidden, unauthorized } from '../errors';
import { errors } from './responses';

/**
 * Exchanges a one-time sign-in link (`/?login=CODE`) for a session, like POST /auth/login.
 * Failed attempts count per client address in the login limiter: codes are 256-bit random,
 * so this only keeps a misbehaving client from hammering the database.
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
      // One limiter "account" per address: its failures stay apart from password sign-ins.
      const account = `\u0000link\u0000${req.ip}`;
      const wait = ctx.loginLimiter.retryAfter(account, req.ip);
      if (wait > 0) throw new HttpError(429, 'RateLimited', `too many failed sign-ins; try again in ${wait} s`, { 'retry-after': String(wait) });
      let user;
      try {
        user = redeemLoginLink(ctx.db, req.body.code);
      } catch (err) {
        if (!(err instanceof AccountError)) throw err;
        ctx.loginLimiter.fail(account, req.ip);
        throw unauthorized(err.message);
      }
      // The link was made for an office or admin user; the role may have changed since.
      if (user.role === 'driver') throw forbidden('drivers do not sign in here; they use a device token');
      ctx.loginLimiter.succeed(account);
      const { token, expiresAt } = ctx.tokens.sign(
        { userId: user.user_id, userPk: user.pk, role: user.role, company: user.company_id, tokenVersion: user.token_version },
        ctx.config.sessionTtlSeconds,
      );
      return { token, expires_at: expiresAt.toISOString(), user: { id: user.user_id, role: user.role, company: user.company_id } };
    },
  );
}
