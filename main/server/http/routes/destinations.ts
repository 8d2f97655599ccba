import Type from 'typebox';
import { API_PREFIX } from '../../../../shared/api/schemas';
import {
  Destination,
  DestinationCreate,
  DestinationIdParams,
  DestinationList,
  DestinationUpdate,
  FAILING_WARN_MS,
  NotifyStatus,
  SendResult,
} from '../../../../shared/api/notifications';
import type { ServerContext } from '../../context';
import type { App } from '../app-type';
import { authorize, bearer, caller } from '../authn';
import { errors } from './helpers';

const tags = ['notifications'];

/** A company's notification destinations (admins only: they hold credentials). */
export function destinationRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorize(ctx, 'admin');
  const security = bearer;

  app.get(
    `${API_PREFIX}/destinations`,
    { schema: { summary: "The company's notification destinations, with their health", tags, security, response: { 200: DestinationList, ...errors(401, 403) } }, onRequest },
    (req) => ({ destinations: ctx.destinations.list(caller(req).companyId) }),
  );

  app.post(
    `${API_PREFIX}/destinations`,
    {
      schema: {
        summary: 'Add a destination (webhook, AWS SNS, Azure Event Grid or Azure Service Bus); it receives events from now on',
        description:
          'Settings per provider: webhook {url, headers?, secret?}, aws-sns {region, topic_arn, access_key_id, secret_access_key, endpoint?}, ' +
          'azure-event-grid {endpoint, key, schema: EventGrid|CloudEvents}, azure-service-bus {connection_string, entity}. ' +
          'Secrets are write-only. A webhook secret left out is made by FleetDesk and answered once as created_secret.',
        tags,
        security,
        body: DestinationCreate,
        response: { 201: Destination, ...errors(400, 401, 403) },
      },
      onRequest,
    },
    async (req, reply) => reply.code(201).send(ctx.destinations.create(caller(req).companyId, req.body)),
  );

  app.get(
    `${API_PREFIX}/destinations/:id`,
    { schema: { summary: 'One destination', tags, security, params: DestinationIdParams, response: { 200: Destination, ...errors(400, 401, 403, 404) } }, onRequest },
    (req) => ctx.destinations.get(caller(req).companyId, req.params.id),
  );

  app.patch(
    `${API_PREFIX}/destinations/:id`,
    {
      schema: {
        summary: 'Change a destination; settings merge into the stored ones (secrets left out are kept, null clears an optional field)',
        tags,
        security,
        params: DestinationIdParams,
        body: DestinationUpdate,
        response: { 200: Destination, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => ctx.destinations.update(caller(req).companyId, req.params.id, req.body),
  );

  app.delete(
    `${API_PREFIX}/destinations/:id`,
    {
      schema: { summary: 'Remove a destination and its delivery log', tags, security, params: DestinationIdParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } },
      onRequest,
    },
    async (req, reply) => {
      ctx.destinations.remove(caller(req).companyId, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${API_PREFIX}/destinations/:id/test`,
    {
      schema: {
        summary: 'Send a sample HeartbeatReceived envelope (Details.Test true) and answer what the receiver said',
        tags,
        security,
        params: DestinationIdParams,
        response: { 200: SendResult, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => ctx.outbox.sendTest(ctx.destinations.require(caller(req).companyId, req.params.id)),
  );

  app.get(
    `${API_PREFIX}/notifications/status`,
    { schema: { summary: 'Destinations failing for more than a few minutes (the console header warns)', tags, security, response: { 200: NotifyStatus, ...errors(401, 403) } }, onRequest },
    (req) => {
      const now = ctx.clock.now();
      const failing = ctx.storage.destinations
        .ofCompany(caller(req).companyId)
        .filter((d) => d.enabled && d.failingSince !== null && now - d.failingSince >= FAILING_WARN_MS)
        .map((d) => ({ id: d.id, name: d.name, failing_since: new Date(d.failingSince!).toISOString(), last_error: d.lastError }));
      return { failing };
    },
  );
}
