import { API_PREFIX, IdParams } from '../../../../shared/api/schemas';
import { CurrentTripAnswer, DaySummaryQuery, DaySummaryRow } from '../../../../shared/api/trips';
import Type from 'typebox';
import type { ServerContext } from '../../context';
import { currentTrip, daySummary } from '../../trips/trip-day';
import type { App } from '../app-type';
import { authorizeDataset, bearerOrApiKey, datasetCompany } from '../authn';
import { notFound } from '../errors';
import { errors } from './helpers';
import { period } from './trips';

/**
 * The live side of trips: a device's trip in progress, and the fleet's totals for a day. Same
 * access as the other trip routes (office/admin token or a company API key).
 */
export function tripDayRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorizeDataset(ctx);
  const tags = ['trips'];
  const security = bearerOrApiKey;

  app.get(
    `${API_PREFIX}/devices/:id/trips/current`,
    {
      schema: {
        summary: "A device's trip in progress: distance, duration and route so far (trip is null while parked)",
        tags,
        security,
        params: IdParams,
        response: { 200: CurrentTripAnswer, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    async (req) => {
      const companyId = datasetCompany(req);
      const device = ctx.users.get(companyId, req.params.id);
      if (!device) throw notFound(`no device "${req.params.id}"`);
      return { trip: await currentTrip(ctx.trips, companyId, device) };
    },
  );

  app.get(
    `${API_PREFIX}/trips/day-summary`,
    {
      schema: {
        summary: "Every driver device's trip totals over a period (a day by default), the trip in progress included",
        tags,
        security,
        querystring: DaySummaryQuery,
        response: { 200: Type.Array(DaySummaryRow), ...errors(400, 401, 403) },
      },
      onRequest,
    },
    async (req) => {
      const companyId = datasetCompany(req);
      const { from, to } = period(req.query, ctx.clock.now());
      const devices = ctx.users.list(companyId, 'driver').sort((a, b) => (a.display_name || a.user_id).localeCompare(b.display_name || b.user_id));
      return await daySummary(ctx.trips, companyId, devices, from, to);
    },
  );
}
