import Fastify, { LogController, type FastifyError, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { API_PREFIX, ErrorBody } from '../../../shared/api/schemas';
import type { ServerContext } from '../context';
import { DomainError, httpAnswer, nameForStatus } from './errors';
import { registerRoutes } from './routes/index';
import { ValidationProblem, validatorCompiler } from './validators';
import http from 'node:http';
import { applyLimits, serverOptions } from './ports';
import { safeUrl } from '../logger';
import { isShareUrl, unknownShare } from './routes/public-share';
import { answerClientError } from './client-errors';
import { isStorageUnavailable } from '../errors';

import type { App } from './app-type';

export type { App };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the error name of a body that cannot be read (default BadRequest; the Tracking API's routes say BadPayload) */
    unreadableBody?: 'BadPayload';
  }
}

/** The HTTP side: REST under /api/v1, the driver HTTP fallback, the OpenAPI document. */
export async function buildApp(ctx: ServerContext): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Device identifiers in paths (/unknown-devices/:identifier) are up to 128 characters;
    // Fastify's default of 100 would answer 414 for the longer ones.
    routerOptions: { maxParamLength: 256 },
    // Every port has the same timeouts and connection cap (listeners.ts).
    // A share link the router cannot decode answers like any unknown one (routes/public-share.ts).
    frameworkErrors: (err, req, reply) => {
      if (isShareUrl(req.url)) return unknownShare(reply, req.url);
      return (reply as FastifyReply).code(400).send({ error: 'BadRequest', message: err.message });
    },
    // Requests Node's parser refuses (headers over 16 KB, …) get the API's error body too.
    clientErrorHandler: answerClientError,
    serverFactory: (handler) => applyLimits(http.createServer(serverOptions(ctx.config.http), handler), ctx.config.http),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler());
  // API answers carry device keys, tokens and positions: never kept by a browser or a proxy.
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith(`${API_PREFIX}/`) || req.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
  });
  app.addSchema(ErrorBody);
  app.decorateRequest('principal', null);
  app.decorateRequest('datasetCompany', null);

  await app.register(swagger, {
    // Name components after the schemas' $id ("Error", "Position", …) instead of def-N.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'FleetDesk API',
        version: ctx.version,
        description: 'REST API of the FleetDesk tracking server. All values in SI units (m/s, metres); times ISO-8601.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'a company API key (datasets only)' },
        },
      },
    },
  });

  app.setErrorHandler((err: FastifyError | DomainError, req, reply) => {
    if (err instanceof DomainError) {
      const a = httpAnswer(err);
      // A full disk or read-only folder is logged once, when writes start failing (index.ts), not per request.
      if (a.status >= 500 && !isStorageUnavailable(err.cause)) req.log.error({ err, url: safeUrl(req.url) }, 'request failed');
      return reply.code(a.status).headers(a.headers).send(a.body);
    }
    // A route of the Tracking API calls an unreadable body BadPayload, with the field named as the protocol does.
    const { code } = err as { code?: string };
    if (req.routeOptions.config?.unreadableBody === 'BadPayload' && (err.validation || code?.startsWith('FST_ERR_CTP_'))) {
      const message = err.validation ? validationMessage(err, true) : err.message;
      return reply.code(400).send({ error: 'BadPayload', message });
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, url: safeUrl(req.url) }, 'request failed');
    const message = err.validation ? validationMessage(err) : err.message;
    const body: ErrorBody = { error: nameForStatus(status), message: status >= 500 ? 'internal error; see the server log' : message };
    // The refused field as data (shared/api/errors.ts), so the console can say it at the field.
    if (err instanceof ValidationProblem && status < 500) body.details = [err.detail];
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'NotFound', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  registerRoutes(app, ctx);
  app.get(`${API_PREFIX}/openapi.json`, { schema: { hide: true } }, () => app.swagger());
  return app;
}

/**
 * The schema check's phrase, which names the place from the request part ("body/id must match
 * …"); a Tracking-API route names it as the protocol does ("payload.lat must be <= 90").
 */
function validationMessage(err: FastifyError, protocol = false): string {
  if (!protocol) return err.message;
  const m = /^(?:body|querystring|params|headers)(?:\/(\S*))? (.*)$/s.exec(err.message);
  return m ? [m[1]?.replaceAll('/', '.'), m[2]].filter(Boolean).join(' ') : err.message;
}
