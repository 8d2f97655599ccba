import { API_PREFIX, DRIVER_APP_PATH, DeviceKey, ENROL_PARAM, Enrolment, EnrolmentCreate, IdParams } from '../../../../shared/api/schemas';
import type { ServerContext } from '../../context';
import { STRONG_KEY_LENGTH } from '../../../../shared/device-key';
import { rotateDeviceKey } from '../../devices/device-keys';
import { insertLink } from '../../login-links';
import type { UserRow } from '../../store/users';
import type { App } from '../app-type';
import { OFFICE_ROLES, authorize, bearer, caller } from '../authn';
import { badRequest } from '../errors';
import { errors, requireDevice } from './helpers';

const keyView = (u: UserRow): DeviceKey => ({ device_id: u.user_id, device_key: u.device_key, strong: u.device_key.length >= STRONG_KEY_LENGTH });

/** A driver's device key (shown in "Connect a phone"), rotating it, and enrolment links for the driver app. */
export function deviceKeyRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorize(ctx, ...OFFICE_ROLES);
  const accounts = ctx.accounts;

  app.get(
    `${API_PREFIX}/devices/:id/key`,
    {
      schema: {
        summary: "A device's key: the identifier its phone reports with (OsmAnd id, OwnTracks password, GPSLogger key)",
        tags: ['phones'],
        security: bearer,
        params: IdParams,
        response: { 200: DeviceKey, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => keyView(requireDevice(ctx, caller(req).companyId, req.params.id)),
  );

  app.post(
    `${API_PREFIX}/devices/:id/key/rotate`,
    {
      schema: {
        summary: 'Give a device a new random key: the old key and every token of the driver stop working at once',
        tags: ['phones'],
        security: bearer,
        params: IdParams,
        response: { 200: DeviceKey, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const { companyId } = caller(req);
      const device = requireDevice(ctx, companyId, req.params.id);
      const rotated = rotateDeviceKey(accounts, companyId, device.user_id);
      ctx.ingest.forget(rotated.pk);
      ctx.access.changed(rotated.pk);
      return keyView(rotated);
    },
  );

  app.post(
    `${API_PREFIX}/devices/:id/enrolment`,
    {
      schema: {
        summary: 'A one-time enrolment link for the driver web app (open it on the phone)',
        tags: ['phones'],
        security: bearer,
        params: IdParams,
        body: EnrolmentCreate,
        response: { 200: Enrolment, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const device = requireDevice(ctx, caller(req).companyId, req.params.id);
      if (device.disabled) throw badRequest(`device "${device.user_id}" is disabled; enable it first`);
      const { code, expiresAt } = insertLink(ctx.accounts, device.pk, 'enrol', req.body?.ttl_seconds ?? 24 * 3600);
      return { code, expires_at: expiresAt.toISOString(), path: `${DRIVER_APP_PATH}#${ENROL_PARAM}=${code}` };
    },
  );
}
