/**
 * Live location shares over REST (issue 13): create, list, read, change, complete and cancel a
 * company's shares, with an office or admin session or a company API key. The token is in the
 * creating answer only (its hash is kept); another company's share answers 404.
 */
import Type from 'typebox';
import { API_PREFIX } from '../../../../shared/api/schemas';
import { Share, ShareCreate, ShareCreated, ShareIdParams, ShareListQuery, ShareUpdate } from '../../../../shared/api/shares';
import { iso } from '../../../../shared/time';
import type { ServerContext } from '../../context';
import type { ShareRow } from '../../store/shares';
import { shareView } from '../../shares/share-views';
import type { App } from '../app-type';
import { authorizeDataset, bearerOrApiKey, datasetCompany } from '../authn';
import { errors, requireDevice } from './helpers';
import { shareUrl } from './share-links';
import type { FastifyRequest } from 'fastify';

const view = async (ctx: ServerContext, r: ShareRow) => shareView(r, await ctx.shares.eta(r));
const createdBy = (req: FastifyRequest) => (req.principal ? req.principal.userId : 'API key');

export function shareRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorizeDataset(ctx);
  const tags = ['shares'];
  const security = bearerOrApiKey;

  app.post(
    `${API_PREFIX}/shares`,
    {
      schema: {
        summary: "Share a device's live location through a public link (shown once) until it arrives, ends or expires",
        tags,
        security,
        body: ShareCreate,
        response: { 201: ShareCreated, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    async (req, reply) => {
      const companyId = datasetCompany(req);
      const device = requireDevice(ctx, companyId, req.body.device_id);
      const { row, token } = ctx.shares.create(companyId, device, req.body, createdBy(req));
      return reply.code(201).send({ id: row.id, share_token: token, share_url: shareUrl(ctx, companyId, token), expires_at: iso(row.expires_at), status: row.status });
    },
  );

  app.get(
    `${API_PREFIX}/shares`,
    {
      schema: { summary: "The company's shares, newest first", tags, security, querystring: ShareListQuery, response: { 200: Type.Array(Share), ...errors(400, 401, 403, 404) } },
      onRequest,
    },
    async (req) => {
      const companyId = datasetCompany(req);
      // Like every `?device=` filter: another company's device answers 404, as an unknown one.
      if (req.query.device_id !== undefined) requireDevice(ctx, companyId, req.query.device_id);
      return Promise.all(ctx.shares.list(companyId, req.query).map((r) => view(ctx, r)));
    },
  );

  app.get(
    `${API_PREFIX}/shares/:id`,
    { schema: { summary: 'One share, with its ETA', tags, security, params: ShareIdParams, response: { 200: Share, ...errors(400, 401, 403, 404) } }, onRequest },
    async (req) => view(ctx, ctx.shares.require(datasetCompany(req), req.params.id)),
  );

  app.patch(
    `${API_PREFIX}/shares/:id`,
    {
      schema: {
        summary: 'Change the notes, recipient or destination of an open share, or extend its expiry',
        tags,
        security,
        params: ShareIdParams,
        body: ShareUpdate,
        response: { 200: Share, ...errors(400, 401, 403, 404, 409) },
      },
      onRequest,
    },
    async (req) => view(ctx, ctx.shares.update(datasetCompany(req), req.params.id, req.body)),
  );

  app.post(
    `${API_PREFIX}/shares/:id/complete`,
    {
      schema: { summary: 'End a share as completed: its page shows the end and no position', tags, security, params: ShareIdParams, response: { 200: Share, ...errors(400, 401, 403, 404, 409) } },
      onRequest,
    },
    async (req) => view(ctx, ctx.shares.complete(datasetCompany(req), req.params.id)),
  );

  app.post(
    `${API_PREFIX}/shares/:id/cancel`,
    {
      schema: { summary: 'End a share as cancelled: its page shows the end and no position', tags, security, params: ShareIdParams, response: { 200: Share, ...errors(400, 401, 403, 404, 409) } },
      onRequest,
    },
    async (req) => view(ctx, ctx.shares.cancel(datasetCompany(req), req.params.id)),
  );
}
