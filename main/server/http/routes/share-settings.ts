import { API_PREFIX, IdParams } from '../../../../shared/api/schemas';
import { ShareSettingsAnswer, ShareSettingsUpdate } from '../../../../shared/api/shares';
import type { ServerContext } from '../../context';
import type { App } from '../app-type';
import { OFFICE_ROLES, authorize, bearer, caller } from '../authn';
import { badRequest, notFound } from '../errors';
import { errors } from './helpers';
import { shareBase } from './share-links';

/** Only the caller's own company: any other id answers 404, so ids cannot be probed. */
function own(ctx: ServerContext, companyId: string, id: string): string {
  if (id !== companyId || !ctx.companies.get(companyId)) throw notFound(`no company "${id}"`);
  return companyId;
}

const answer = (ctx: ServerContext, companyId: string) => ({ settings: ctx.shares.settings(companyId), ...shareBase(ctx, companyId) });

function httpUrl(v: string | null | undefined, what: string, originOnly: boolean): void {
  if (v === null || v === undefined) return;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw badRequest(`${what} must be an http or https URL, e.g. https://track.example.com`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badRequest(`${what} must be an http or https URL`);
  if (u.search || u.hash || u.username) throw badRequest(`${what} must not hold a query, fragment or user name`);
  if (originOnly && u.origin !== v.replace(/\/$/, '')) throw badRequest(`${what} must be an origin such as https://shop.example.com (no path)`);
}

/** A company's share settings: where links point, arrival distances, ETA, framing, rounding. */
export function shareSettingsRoutes(app: App, ctx: ServerContext): void {
  app.get(
    `${API_PREFIX}/companies/:id/share-settings`,
    {
      schema: {
        summary: "The company's share settings and the base its share links use",
        tags: ['shares'],
        security: bearer,
        params: IdParams,
        response: { 200: ShareSettingsAnswer, ...errors(400, 401, 403, 404) },
      },
      onRequest: authorize(ctx, ...OFFICE_ROLES),
    },
    (req) => answer(ctx, own(ctx, caller(req).companyId, req.params.id)),
  );

  app.patch(
    `${API_PREFIX}/companies/:id/share-settings`,
    {
      schema: {
        summary: 'Change share settings (admin); they apply at once to open shares',
        tags: ['shares'],
        security: bearer,
        params: IdParams,
        body: ShareSettingsUpdate,
        response: { 200: ShareSettingsAnswer, ...errors(400, 401, 403, 404) },
      },
      onRequest: authorize(ctx, 'admin'),
    },
    (req) => {
      const companyId = own(ctx, caller(req).companyId, req.params.id);
      httpUrl(req.body.public_base_url, 'public_base_url', false);
      httpUrl(req.body.routing_url, 'routing_url', false);
      for (const o of req.body.frame_origins ?? []) httpUrl(o, 'each of frame_origins', true);
      const next = { ...ctx.shares.settings(companyId), ...req.body };
      if (next.arrived_radius_m > next.arriving_distance_m) throw badRequest('arrived_radius_m must not be larger than arriving_distance_m');
      ctx.storage.shareSettings.update(companyId, req.body);
      return answer(ctx, companyId);
    },
  );
}
