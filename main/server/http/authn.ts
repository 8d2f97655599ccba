import type { FastifyRequest } from 'fastify';
import type { Role } from '../../../shared/ids';
import type { Principal } from '../auth/principal';
import { authenticateToken } from '../auth/principal';
import type { ServerContext } from '../context';
import { forbidden, unauthorized } from './errors';
import { API_KEY_HEADER } from '../../../shared/api/api-keys';

declare module 'fastify' {
  interface FastifyRequest {
    /** set by the `authorize` hook of protected routes */
    principal: Principal | null;
    /** set by `authorizeDataset`: the company whose datasets the caller may read */
    datasetCompany: string | null;
  }
}

/** The caller of a request with a `Authorization: Bearer <JWT>` header, checked against the database. */
export function principalOf(ctx: ServerContext, req: FastifyRequest): Principal {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw unauthorized('send the token as "Authorization: Bearer <token>"');
  return authenticateToken(match[1] as string, ctx.tokens, ctx.users);
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

/**
 * An onRequest hook for the datasets notifications point to (tracks, accidents, events): an
 * office or admin token, or a company API key in `X-API-Key` for a backend without a session.
 */
export function authorizeDataset(ctx: ServerContext) {
  return async (req: FastifyRequest): Promise<void> => {
    const key = req.headers[API_KEY_HEADER];
    if (typeof key === 'string' && !req.headers.authorization) {
      const row = ctx.apiKeys.verify(key.trim());
      if (!row) throw unauthorized('this API key is not valid (it may have been revoked)');
      req.datasetCompany = row.company_id;
      return;
    }
    const p = principalOf(ctx, req);
    if (!OFFICE_ROLES.includes(p.role)) throw forbidden('this needs the office or admin role, or a company API key');
    req.principal = p;
    req.datasetCompany = p.companyId;
  };
}

/** The company set by `authorizeDataset`. */
export function datasetCompany(req: FastifyRequest): string {
  if (!req.datasetCompany) throw unauthorized('not authenticated');
  return req.datasetCompany;
}

/** OpenAPI: dataset routes take a bearer token or an API key. */
export const bearerOrApiKey: Record<string, string[]>[] = [{ bearer: [] }, { apiKey: [] }];

/** The principal set by `authorize` (routes without the hook must not call this). */
export function caller(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized('not authenticated');
  return req.principal;
}

export const OFFICE_ROLES: Role[] = ['office', 'admin'];

/** OpenAPI: the bearer scheme every protected route declares. */
export const bearer = [{ bearer: [] as string[] }];
