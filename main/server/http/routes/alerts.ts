import Type from 'typebox';
import { AlertIdParams, API_PREFIX } from '../../../../shared/api/schemas';
import { AlertListQuery, AlertResolve, AlertView } from '../../../../shared/api/alerts';
import type { ServerContext } from '../../context';
import type { App } from '../app-type';
import { OFFICE_ROLES, authorize, authorizeDataset, bearer, bearerOrApiKey, caller, datasetCompany } from '../authn';
import { badRequest, notFound } from '../errors';
import { errors } from './helpers';

const AlertDetail = Type.Intersect([AlertView, Type.Object({ details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]) })]);

/** SOS and crash alerts of the caller's company: list and history, one with its sensor buffer, acknowledge, resolve. */
export function alertRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorize(ctx, ...OFFICE_ROLES);

  app.get(
    `${API_PREFIX}/alerts`,
    {
      schema: {
        summary: 'SOS and crash alerts, newest first (history: state, from, to)',
        tags: ['alerts'],
        security: bearer,
        querystring: AlertListQuery,
        response: { 200: Type.Array(AlertView), ...errors(400, 401, 403) },
      },
      onRequest,
    },
    (req) => {
      const q = req.query;
      const from = q.from === undefined ? undefined : Date.parse(q.from);
      const to = q.to === undefined ? undefined : Date.parse(q.to);
      if (from !== undefined && to !== undefined && to <= from) throw badRequest('to must be after from');
      return ctx.alerts.list(caller(req).companyId, { openOnly: q.open === true, state: q.state, from, to, limit: q.limit ?? 100 });
    },
  );

  app.get(
    `${API_PREFIX}/alerts/:id`,
    {
      schema: {
        summary: "One alert with its details (crash: peak g, motion and position buffer); SosReceived's Object.Url, so a company API key works too",
        tags: ['alerts'],
        security: bearerOrApiKey,
        params: AlertIdParams,
        response: { 200: AlertDetail, ...errors(400, 401, 403, 404) },
      },
      onRequest: authorizeDataset(ctx),
    },
    (req) => {
      const a = ctx.alerts.get(datasetCompany(req), req.params.id);
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

  app.post(
    `${API_PREFIX}/alerts/:id/resolve`,
    {
      schema: {
        summary: 'Resolve an alert with a note of what was done (acknowledges it too if nobody had); once only',
        tags: ['alerts'],
        security: bearer,
        params: AlertIdParams,
        body: AlertResolve,
        response: { 200: AlertView, ...errors(400, 401, 403, 404, 409) },
      },
      onRequest,
    },
    (req) => {
      const p = caller(req);
      const note = req.body.note.trim();
      if (note.length === 0) throw badRequest('note must say what was done');
      return ctx.alerts.resolve(p.companyId, req.params.id, p.userId, note);
    },
  );
}
