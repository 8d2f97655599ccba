import Type from 'typebox';
import { API_PREFIX, Company, CompanyUpdate, IdParams, tileUrlProblem } from '../../../../shared/api/schemas';
import type { ServerContext } from '../../context';
import type { CompanyRow } from '../../store/companies';
import { companyView } from '../../api-views';
import type { App } from '../app-type';
import { OFFICE_ROLES, authorize, bearer, caller } from '../authn';
import { badRequest, notFound } from '../errors';
import { errors } from './helpers';

/**
 * A caller sees its own company only: any other id answers 404, whether it exists or not,
 * so company ids cannot be probed.
 */
function ownCompany(ctx: ServerContext, companyId: string, id: string = companyId): CompanyRow {
  const c = id === companyId ? ctx.companies.get(companyId) : undefined;
  if (!c) throw notFound(`no company "${id}"`);
  return c;
}

export function companyRoutes(app: App, ctx: ServerContext): void {
  const read = authorize(ctx, ...OFFICE_ROLES);

  app.get(
    `${API_PREFIX}/companies`,
    {
      schema: {
        summary: "The caller's company, as a one-element list",
        tags: ['companies'],
        security: bearer,
        response: { 200: Type.Array(Company), ...errors(401, 403) },
      },
      onRequest: read,
    },
    (req) => [companyView(ownCompany(ctx, caller(req).companyId))],
  );

  app.get(
    `${API_PREFIX}/company`,
    {
      schema: {
        summary: "The caller's company",
        tags: ['companies'],
        security: bearer,
        response: { 200: Company, ...errors(401, 403) },
      },
      onRequest: read,
    },
    (req) => companyView(ownCompany(ctx, caller(req).companyId)),
  );

  app.get(
    `${API_PREFIX}/companies/:id`,
    {
      schema: {
        summary: "One company (only the caller's own)",
        tags: ['companies'],
        security: bearer,
        params: IdParams,
        response: { 200: Company, ...errors(400, 401, 403, 404) },
      },
      onRequest: read,
    },
    (req) => companyView(ownCompany(ctx, caller(req).companyId, req.params.id)),
  );

  app.patch(
    `${API_PREFIX}/companies/:id`,
    {
      schema: {
        summary: "Change the company's name, device display field, connection limit or map tile URL",
        tags: ['companies'],
        security: bearer,
        params: IdParams,
        body: CompanyUpdate,
        response: { 200: Company, ...errors(400, 401, 403, 404) },
      },
      onRequest: authorize(ctx, 'admin'),
    },
    (req) => {
      const c = ownCompany(ctx, caller(req).companyId, req.params.id);
      const changes = { ...req.body };
      if (changes.name !== undefined) {
        changes.name = changes.name.trim();
        if (!changes.name) throw badRequest('a company needs a name');
      }
      if (typeof changes.tile_url === 'string') {
        changes.tile_url = changes.tile_url.trim() || null;
        const problem = changes.tile_url === null ? null : tileUrlProblem(changes.tile_url);
        if (problem) throw badRequest(problem);
      }
      const { owntracks_friends, ...rest } = changes;
      const row = ctx.companies.update(c.id, owntracks_friends === undefined ? rest : { ...rest, owntracks_friends: Number(owntracks_friends) });
      return companyView(row ?? c);
    },
  );
}
