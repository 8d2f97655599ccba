import Type from 'typebox';
import { API_PREFIX } from '../../../../shared/api/schemas';
import { ApiKey, ApiKeyCreate, ApiKeyCreated } from '../../../../shared/api/api-keys';
import type { ApiKeyRow } from '../../store/api-keys';
import type { ServerContext } from '../../context';
import type { App } from '../app-type';
import { authorize, bearer, caller } from '../authn';
import { badRequest, notFound } from '../errors';
import { errors } from './helpers';
import { iso, isoOrNull } from '../../../../shared/time';

export const apiKeyView = (k: ApiKeyRow): ApiKey => ({ id: k.id, name: k.name, prefix: k.prefix, created_at: iso(k.created_at), last_used_at: isoOrNull(k.last_used_at) });

/** Admins manage their company's API keys (the key itself is shown once, at creation). */
export function apiKeyRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorize(ctx, 'admin');
  const KeyParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

  app.get(
    `${API_PREFIX}/api-keys`,
    { schema: { summary: "The company's API keys (without the keys)", tags: ['api keys'], security: bearer, response: { 200: Type.Array(ApiKey), ...errors(401, 403) } }, onRequest },
    (req) => ctx.apiKeys.list(caller(req).companyId).map(apiKeyView),
  );

  app.post(
    `${API_PREFIX}/api-keys`,
    {
      schema: {
        summary: 'Create an API key for a backend: send it as X-API-Key to fetch tracks, accidents and events',
        tags: ['api keys'],
        security: bearer,
        body: ApiKeyCreate,
        response: { 201: ApiKeyCreated, ...errors(400, 401, 403) },
      },
      onRequest,
    },
    async (req, reply) => {
      const name = req.body.name.trim();
      if (!name) throw badRequest('an API key needs a name');
      const { row, key } = ctx.apiKeys.create(caller(req).companyId, name);
      return reply.code(201).send({ ...apiKeyView(row), key });
    },
  );

  app.delete(
    `${API_PREFIX}/api-keys/:id`,
    {
      schema: {
        summary: 'Revoke an API key (requests with it fail at once)',
        tags: ['api keys'],
        security: bearer,
        params: KeyParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    async (req, reply) => {
      if (!ctx.apiKeys.revoke(caller(req).companyId, req.params.id)) throw notFound(`no API key ${req.params.id}`);
      return reply.code(204).send(null);
    },
  );
}
