import { API_PREFIX, IdParams } from '../../../../shared/api/schemas';
import { DeviceReception, ReceptionQuery } from '../../../../shared/protocol/reception';
import type { ServerContext } from '../../context';
import { DROPPED_RETENTION_MS } from '../../store/dropped-fixes';
import { deviceClock } from '../../api-views';
import type { App } from '../app-type';
import { OFFICE_ROLES, authorize, bearer, caller } from '../authn';
import { badRequest } from '../errors';
import { errors, requireDevice } from './helpers';

const DAY_MS = 24 * 3600_000;

/**
 * How the server receives a device: the phone's clock as judged from its newest fix, and the
 * fixes dropped for good by reason, so a dispatcher can tell a driver "your phone's clock is
 * wrong" or "your app sends 0,0" without reading logs.
 */
export function receptionRoutes(app: App, ctx: ServerContext): void {
  app.get(
    `${API_PREFIX}/devices/:id/reception`,
    {
      schema: {
        summary: "A device's reception: its phone's clock and the fixes dropped since a time (by reason)",
        tags: ['devices'],
        security: bearer,
        params: IdParams,
        querystring: ReceptionQuery,
        response: { 200: DeviceReception, ...errors(400, 401, 403, 404) },
      },
      onRequest: authorize(ctx, ...OFFICE_ROLES),
    },
    (req) => {
      const { companyId } = caller(req);
      const u = requireDevice(ctx, companyId, req.params.id);
      const now = ctx.clock.now();
      let since = now - DAY_MS;
      if (req.query.since !== undefined) {
        since = Date.parse(req.query.since);
        if (Number.isNaN(since)) throw badRequest('since must be a date and time, e.g. 2026-12-05T00:00:00Z');
      }
      since = Math.max(since, now - DROPPED_RETENTION_MS);
      const dropped = ctx.dropped.summary(u.pk, since);
      return {
        id: u.user_id,
        clock: deviceClock(ctx.positions.latest(u.pk)),
        since: new Date(since).toISOString(),
        dropped_total: dropped.reduce((n, d) => n + d.count, 0),
        dropped,
      };
    },
  );
}
