import { API_PREFIX, IdParams } from '../../../../shared/api/schemas';
import { TripSettings, TripSettingsUpdate } from '../../../../shared/api/trips';
import type { ServerContext } from '../../context';
import type { App } from '../app-type';
import { OFFICE_ROLES, authorize, bearer, caller } from '../authn';
import { badRequest, notFound } from '../errors';
import { errors } from './helpers';

/** Only the caller's own company: any other id answers 404, so ids cannot be probed. */
function own(ctx: ServerContext, companyId: string, id: string): string {
  if (id !== companyId || !ctx.companies.get(companyId)) throw notFound(`no company "${id}"`);
  return companyId;
}

/** A company's trip detection settings (defaults overlaid with its changes). */
export function tripSettingsRoutes(app: App, ctx: ServerContext): void {
  app.get(
    `${API_PREFIX}/companies/:id/trip-settings`,
    {
      schema: {
        summary: "The company's trip detection settings",
        tags: ['trips'],
        security: bearer,
        params: IdParams,
        response: { 200: TripSettings, ...errors(400, 401, 403, 404) },
      },
      onRequest: authorize(ctx, ...OFFICE_ROLES),
    },
    (req) => ctx.trips.settings(own(ctx, caller(req).companyId, req.params.id)),
  );

  app.patch(
    `${API_PREFIX}/companies/:id/trip-settings`,
    {
      schema: {
        summary: 'Change trip detection settings; trips detected from now on use them',
        tags: ['trips'],
        security: bearer,
        params: IdParams,
        body: TripSettingsUpdate,
        response: { 200: TripSettings, ...errors(400, 401, 403, 404) },
      },
      onRequest: authorize(ctx, 'admin'),
    },
    (req) => {
      const companyId = own(ctx, caller(req).companyId, req.params.id);
      const next = { ...ctx.trips.settings(companyId), ...req.body };
      if (next.min_fixes !== Math.floor(next.min_fixes)) throw badRequest('min_fixes must be a whole number');
      return ctx.trips.updateSettings(companyId, req.body);
    },
  );
}
