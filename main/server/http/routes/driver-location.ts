import Type from 'typebox';
import { DRIVER_LOCATION_PATH, HttpDriverLocationBody } from '../../../../shared/protocol/tracking';
import { DroppedFix } from '../../../../shared/protocol/reception';
import type { ServerContext } from '../../context';
import { DomainError } from '../../errors';
import { fromTrackingPayload } from '../../ingest/tracking-adapter';
import type { App } from '../app-type';
import { forbidden, unavailable } from '../errors';
import { authorize, bearer, caller } from '../authn';
import { errors } from './helpers';

const Stored = Type.Object({
  ok: Type.Literal(true, { description: 'delivered: never send this fix again' }),
  duplicate: Type.Boolean({ description: 'true when this device time was already stored' }),
  /** the fix can never be stored (0,0, a date before 2000…): dropped and counted */
  dropped: Type.Optional(DroppedFix),
});

/** HTTP fallback of the Tracking API: the `driver_location` message as a POST; answers after commit. */
export function driverLocationRoutes(app: App, ctx: ServerContext): void {
  app.post(
    DRIVER_LOCATION_PATH,
    {
      schema: {
        summary: 'Send one driver location (HTTP fallback of the WebSocket API; speed in km/h)',
        tags: ['tracking'],
        security: bearer,
        body: HttpDriverLocationBody,
        response: { 200: Stored, ...errors(400, 401, 403, 429, 503) },
      },
      onRequest: authorize(ctx, 'driver'),
      // A body that is not JSON or does not match the schema answers with the Tracking API's name for it.
      config: { unreadableBody: 'BadPayload' },
    },
    async (req) => {
      const p = caller(req);
      const body = req.body;
      if (body.id !== p.userId) throw forbidden('a driver sends locations for its own id only');
      const position = fromTrackingPayload(body.payload, ctx.clock.now(), body.time_stamp);
      let out;
      try {
        out = await ctx.ingest.accept({ pk: p.userPk, company_id: p.companyId, user_id: p.userId }, { positions: [position] }, { source: 'http', arrival: position.serverTime, live: true });
      } catch (err) {
        if (err instanceof DomainError) throw err; // RateLimited: 429; a full disk: 503 saying so
        ctx.logger.error({ err }, 'position not stored');
        throw unavailable('the position could not be stored; retry');
      }
      const dropped = out.dropped[0];
      if (dropped) return { ok: true as const, duplicate: false, dropped: { reason: dropped.reason, message: dropped.message } };
      return { ok: true as const, duplicate: out.duplicates > 0 };
    },
  );
}
