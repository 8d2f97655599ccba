import Type from 'typebox';
import { API_PREFIX } from '../../../../shared/api/schemas';
import { Accident, AccidentExtra } from '../../../../shared/api/accidents';
import type { ServerContext } from '../../context';
import { accidentView, type ExtraData } from '../../store/accidents';
import type { App } from '../app-type';
import { authorizeDataset, bearerOrApiKey, datasetCompany } from '../authn';
import { badRequest, notFound } from '../errors';
import { errors, requireDevice } from './helpers';

const AccidentQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'impact (device) time at or after (inclusive)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'impact time before (exclusive)' })),
  device: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only this device (its id)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 500 })),
});

const security = bearerOrApiKey;

const AccidentIdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'accident id' }) });

/**
 * Crashes of the company (the Accident and AccidentExtra datasets the crash events point to):
 * a bearer token of an office/admin user or a company API key. Another company's accident is
 * answered 404, as an unknown one.
 */
export function accidentRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorizeDataset(ctx);
  const store = ctx.accidents.store;

  app.get(
    `${API_PREFIX}/accidents`,
    {
      schema: {
        summary: 'Crashes (accidents) newest first, with their four stages and filter verdict',
        tags: ['accidents'],
        security,
        querystring: AccidentQuery,
        response: { 200: Type.Array(Accident), ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const company = datasetCompany(req);
      const q = req.query;
      const from = q.from === undefined ? undefined : Date.parse(q.from);
      const to = q.to === undefined ? undefined : Date.parse(q.to);
      if (from !== undefined && to !== undefined && to <= from) throw badRequest('to must be after from');
      const userPk = q.device === undefined ? undefined : requireDevice(ctx, company, q.device).pk;
      return store.list(company, { from, to, userPk, limit: q.limit ?? 500 }).map(accidentView);
    },
  );

  app.get(
    `${API_PREFIX}/accidents/:id`,
    {
      schema: {
        summary: 'One accident (AccidentEventReceived, …CompletePackageReceived, AccidentEventFiltered point here)',
        tags: ['accidents'],
        security,
        params: AccidentIdParams,
        response: { 200: Accident, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const row = store.get(datasetCompany(req), req.params.id);
      if (!row) throw notFound(`no accident ${req.params.id}`);
      return accidentView(row);
    },
  );

  app.get(
    `${API_PREFIX}/accidents/:id/extra`,
    {
      schema: {
        summary: 'The buffer of positions and sensor data around the crash (AccidentEventExtraReceived points here)',
        tags: ['accidents'],
        security,
        params: AccidentIdParams,
        response: { 200: AccidentExtra, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const row = store.get(datasetCompany(req), req.params.id);
      if (!row) throw notFound(`no accident ${req.params.id}`);
      if (row.extra === null) throw notFound(`the buffer of accident ${req.params.id} has not been received yet (AccidentEventExtraReceived announces it)`);
      const extra = JSON.parse(row.extra) as ExtraData;
      return { id: row.id, type: 'AccidentExtra' as const, motion: extra.motion, positions: extra.positions };
    },
  );
}
