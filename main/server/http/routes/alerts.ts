import Type from 'typebox';
import { AlertIdParams, AlertQuery, API_PREFIX } from '../../../../shared/api/schemas';
import { AlertView } from '../../../../shared/protocol/device';
import type { ServerContext } from '../../context';
import type { App } from '../app';
import { OFFICE_ROLES, authorize, bearer, caller } from '../authn';
import { notFound } from '../errors';
import { errors } from './responses';

const AlertDetail = Type.Intersect([AlertView, Type.Object({ details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]) })]);

/** SOS and crash alerts of the caller's company: list, one with its sensor buffer, acknowledge. */
export function alertRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorize(ctx, ...OFFICE_ROLES);

  app.get(
    `${API_PREFIX}/alerts`,
    {
      schema: {
        summary: 'SOS and crash alerts, newest first',
        tags: ['alerts'],
        security: bearer,
        querystring: AlertQuery,
        response: { 200: Type.Array(AlertView), ...errors(400, 401, 403) },
      },
      onRequest,
    },
    (req) => ctx.alerts.list(caller(req).companyId, { openOnly: req.query.open === true, limit: req.query.limit ?? 100 }),
  );

  app.get(
    `${API_PREFIX}/alerts/:id`,
    {
      schema: {
        summary: 'One alert with its details (crash: peak g, motion and position buffer)',
        tags: ['alerts'],
        security: bearer,
        params: AlertIdParams,
        response: { 200: AlertDetail, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const a = ctx.alerts.get(caller(req).companyId, req.params.id);
      if (!a) throw notFound(`no alert ${req.params.id}`);
      return a;
    },
  );

  app.post(
    `${API_PREFIX}/alerts/:id/acknowledge`,
    {
      schema: {
        summary: 'Acknowledge an alert (idempotent: the first acknowledgement is kept)',
        tags: ['alerts'],
        security: bearer,
        params: AlertIdParams,
        response: { 200: AlertView, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const p = caller(req);
      const a = ctx.alerts.acknowledge(p.companyId, req.params.id, p.userId);
      if (!a) throw notFound(`no alert ${req.params.id}`);
      return a;
    },
  );
}
