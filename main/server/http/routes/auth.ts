import { API_PREFIX, LoginBody, LoginReply } from '../../../../shared/api/schemas';
import { dummyPasswordHash, verifyPassword } from '../../auth/passwords';
import type { ServerContext } from '../../context';
import type { App } from '../app-type';
import { assertNotLocked, countFailure, keysOf } from '../attempts';
import { forbidden, unauthorized } from '../errors';
import { errors } from './helpers';

export function authRoutes(app: App, ctx: ServerContext): void {
  app.post(
    `${API_PREFIX}/auth/login`,
    {
      schema: {
        summary: 'Sign in as an office or admin user; returns a JWT',
        tags: ['auth'],
        body: LoginBody,
        response: { 200: LoginReply, ...errors(400, 401, 403, 429) },
      },
    },
    async (req) => {
      const { company, user_id, password } = req.body;
      // Per account *and* address: wrong passwords from elsewhere never lock the owner out.
      const keys = [keysOf(ctx).account(`${company}\u0000${user_id}`, req.ip), keysOf(ctx).address(req.ip)];
      assertNotLocked(ctx, keys, 'failed sign-ins');
      const user = ctx.users.get(company, user_id);
      const ok = await verifyPassword(password, user?.password_hash ?? (await dummyPasswordHash()));
      if (!user || !ok || user.disabled) {
        countFailure(ctx, keys);
        throw unauthorized('wrong company, user or password');
      }
      if (user.role === 'driver') throw forbidden('drivers do not sign in here; they use a device token');
      ctx.attempts.succeed(keys[0]!.key);
      const { token, expiresAt } = ctx.tokens.sign(
        { userId: user.user_id, userPk: user.pk, role: user.role, company: user.company_id, tokenVersion: user.token_version },
        ctx.config.sessionTtlSeconds,
      );
      return { token, expires_at: expiresAt.toISOString(), user: { id: user.user_id, role: user.role, company: user.company_id } };
    },
  );
}
