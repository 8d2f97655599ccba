import type { FastifyRequest } from 'fastify';
import type { Role } from '../../../shared/ids';
import type { Principal } from '../auth/principal';
import { AuthError, authenticateToken } from '../auth/principal';
import type { ServerContext } from '../context';
import { forbidden, unauthorized } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** set by the `authorize` hook of protected routes */
    principal: Principal | null;
  }
}

/** The caller of a request with a `Authorization: Bearer <JWT>` header, checked against the database. */
export function principalOf(ctx: ServerContext, req: FastifyRequest): Principal {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw unauthorized('send the token as "Authorization: Bearer <token>"');
  try {
    return authenticateToken(match[1] as string, ctx.tokens, ctx.users);
  } catch (err) {
    if (err instanceof AuthError) throw unauthorized(err.message);
    throw err;
  }
}

/**
 * An onRequest hook: the caller must present a valid token for one of `roles`. Runs before
 * body validation, so an anonymous caller learns nothing about the route's schema.
 */
export function authorize(ctx: ServerContext, ...roles: Role[]) {
  return async (req: FastifyRequest): Promise<void> => {
    const p = principalOf(ctx, req);
    if (!roles.includes(p.role)) throw forbidden(`this needs the ${roles.join(' or ')} role`);
    req.principal = p;
  };
}

/** The principal set by `authorize` (routes without the hook must not call this). */
export function caller(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized('not authenticated');
  return req.principal;
}

export const OFFICE_ROLES: Role[] = ['office', 'admin'];

/** OpenAPI: the bearer scheme every protected route declares. */
export const bearer = [{ bearer: [] as string[] }];
