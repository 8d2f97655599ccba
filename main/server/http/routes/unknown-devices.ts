import Type from 'typebox';
import { API_PREFIX, AdoptBody, Device, ExpectBody, IdentifierParams, UnknownDevice } from '../../../../shared/api/schemas';
import type { ServerContext } from '../../context';
import { adoptDevice, expectDevice } from '../../devices/device-keys';
import type { UnknownDevice as UnknownRow } from '../../store/unknown-devices';
import { deviceView } from '../../api-views';
import type { App } from '../app-type';
import { authorize, bearer, caller } from '../authn';
import { notFound } from '../errors';
import { displayFieldOf, errors } from './helpers';
import { iso } from '../../../../shared/time';

const view = (u: UnknownRow): UnknownDevice => ({ ...u, first_seen: iso(u.first_seen), last_seen: iso(u.last_seen) });

/**
 * Phones that reported with an identifier that is no driver's key, which this company has a
 * claim on: a key it replaced that a phone still sends, or an identifier it declared in advance
 * (ready to adopt). Admins see their own company's only; an identifier no company declared is
 * never listed anywhere.
 */
export function unknownDeviceRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorize(ctx, 'admin');
  const accounts = ctx.accounts;

  app.get(
    `${API_PREFIX}/unknown-devices`,
    {
      schema: {
        summary: 'Identifiers that tried to report without being a device key, newest first',
        tags: ['phones'],
        security: bearer,
        response: { 200: Type.Array(UnknownDevice), ...errors(401, 403) },
      },
      onRequest,
    },
    (req) => ctx.unknownDevices.list(caller(req).companyId).map(view),
  );

  app.post(
    `${API_PREFIX}/unknown-devices/expected`,
    {
      schema: {
        summary: "Declare a phone app's own identifier (22 characters or more) so that it can be adopted when it reports",
        tags: ['phones'],
        security: bearer,
        body: ExpectBody,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 409) },
      },
      onRequest,
    },
    async (req, reply) => {
      expectDevice(accounts, ctx.unknownDevices, caller(req).companyId, req.body.identifier, req.body.note ?? null);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${API_PREFIX}/unknown-devices/:identifier/adopt`,
    {
      schema: {
        summary: 'Adopt an unknown device: its identifier becomes the key of an existing driver or of a new one',
        tags: ['phones'],
        security: bearer,
        params: IdentifierParams,
        body: AdoptBody,
        response: { 200: Device, ...errors(400, 401, 403, 404, 409) },
      },
      onRequest,
    },
    async (req) => {
      const { companyId } = caller(req);
      const user = await adoptDevice(accounts, ctx.unknownDevices, companyId, req.params.identifier, {
        userId: req.body.user_id,
        displayName: req.body.display_name,
      });
      ctx.ingest.forget(user.pk);
      ctx.access.changed(user.pk);
      return deviceView(user, displayFieldOf(ctx, companyId), ctx.positions.latest(user.pk), ctx.deviceStatus.get(user.pk));
    },
  );

  app.delete(
    `${API_PREFIX}/unknown-devices/:identifier`,
    {
      schema: {
        summary: 'Dismiss an unknown device: a replaced key reappears if it reports again; a declared identifier is no longer expected',
        tags: ['phones'],
        security: bearer,
        params: IdentifierParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
      onRequest,
    },
    async (req, reply) => {
      if (!ctx.unknownDevices.remove(caller(req).companyId, req.params.identifier)) throw notFound(`no unknown device "${req.params.identifier}"`);
      return reply.code(204).send(null);
    },
  );
}
