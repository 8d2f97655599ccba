import Type from 'typebox';
import { DRIVER_LOCATION_PATH, HttpDriverLocationBody } from '../../../../shared/protocol/tracking';
import { DroppedFix } from '../../../../shared/protocol/reception';
import type { ServerContext } from '../../context';
import type { FixOutcome } from '../../ingest/pipeline';
import { fromTrackingPayload } from '../../ingest/tracking-adapter';
import type { App } from '../app';
import { HttpError, forbidden } from '../errors';
import { authorize, bearer, caller } from '../authn';
import { errors } from './responses';

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
      errorHandler: (err) => {
        // Schema failures answer with the Tracking API's own error name.
        if ((err as { validation?: unknown }).validation) {
          throw new HttpError(400, 'BadPayload', err.message.replace(/^body\/?/, '').replaceAll('/', '.') || err.message);
        }
        // So do bodies that are not JSON at all (Fastify's FST_ERR_CTP_INVALID_JSON_BODY, …_EMPTY_JSON_BODY).
        const { statusCode, code } = err as { statusCode?: number; code?: string };
        if (statusCode === 400 && code?.startsWith('FST_ERR_CTP_')) throw new HttpError(400, 'BadPayload', err.message);
        throw err;
      },
    },
    async (req) => {
      const p = caller(req);
      const body = req.body;
      if (body.id !== p.userId) throw forbidden('a driver sends locations for its own id only');
      const position = fromTrackingPayload(body.payload, ctx.clock.now(), body.time_stamp);
      if (typeof position === 'string') throw new HttpError(400, 'BadPayload', position);
      const outcome = await new Promise<FixOutcome>((resolve, reject) => {
        const refused = ctx.ingest.submit(
          { companyId: p.companyId, userPk: p.userPk, userId: p.userId, position, source: 'http', live: true },
          (err, o) => (err ? reject(new HttpError(503, 'InternalError', 'the position could not be stored; retry')) : resolve(o)),
        );
        if (refused) reject(new HttpError(429, refused.error, refused.message));
      });
      if (outcome.stored) return { ok: true as const, duplicate: false };
      if (outcome.dropped.reason === 'duplicate') return { ok: true as const, duplicate: true };
      return { ok: true as const, duplicate: false, dropped: outcome.dropped };
    },
  );
}
