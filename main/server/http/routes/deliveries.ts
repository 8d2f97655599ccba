import { API_PREFIX } from '../../../../shared/api/schemas';
import { iso, isoOrNull } from '../../../../shared/time';
import { DeliveryPage, DeliveryQuery, RedeliverAnswer, RedeliverBody } from '../../../../shared/api/notifications';
import type { ServerContext } from '../../context';
import type { App } from '../app-type';
import { authorize, bearer, caller } from '../authn';
import { badRequest, notFound } from '../errors';
import { errors } from './helpers';

const tags = ['notifications'];

/** The delivery log and the dead letters. */
export function deliveryRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorize(ctx, 'admin');
  const security = bearer;

  app.get(
    `${API_PREFIX}/deliveries`,
    {
      schema: { summary: 'The delivery log, newest first (filter by destination, state, event; page with before)', tags, security, querystring: DeliveryQuery, response: { 200: DeliveryPage, ...errors(400, 401, 403, 404) } },
      onRequest,
    },
    (req) => {
      const q = req.query;
      const limit = q.limit ?? 50;
      const companyId = caller(req).companyId;
      if (q.destination !== undefined) ctx.destinations.require(companyId, q.destination);
      const rows = ctx.storage.deliveries.log(companyId, { destinationId: q.destination, state: q.state, event: q.event, before: q.before, limit });
      return {
        deliveries: rows.map((r) => ({
          id: r.id,
          event_id: r.eventUid,
          event: r.event,
          device_id: r.deviceId,
          destination_id: r.destinationId,
          destination_name: r.destinationName,
          state: r.state,
          attempts: r.attempts,
          last_status: r.lastStatus,
          last_error: r.lastError,
          last_attempt_at: isoOrNull(r.lastAttemptAt),
          next_attempt_at: isoOrNull(r.nextAttemptAt),
          delivered_at: isoOrNull(r.deliveredAt),
          created_at: iso(r.createdAt),
        })),
        next_before: rows.length === limit ? rows[rows.length - 1]!.id : null,
      };
    },
  );

  app.post(
    `${API_PREFIX}/deliveries/redeliver`,
    {
      schema: {
        summary: 'Send dead letters again: one ({id}), a destination\'s ({all: true, destination}) or all of them ({all: true})',
        tags,
        security,
        body: RedeliverBody,
        response: { 200: RedeliverAnswer, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const companyId = caller(req).companyId;
      const b = req.body;
      if (b.destination !== undefined) ctx.destinations.require(companyId, b.destination);
      if (b.id === undefined && b.all !== true) throw badRequest('give the id of a dead letter, or all: true');
      const n = ctx.storage.deliveries.redeliver(companyId, b.id !== undefined ? { id: b.id } : b.destination !== undefined ? { destinationId: b.destination } : 'all');
      if (b.id !== undefined && n === 0) throw notFound(`no dead letter ${b.id}`);
      ctx.outbox.kickAll();
      return { redelivered: n };
    },
  );
}
