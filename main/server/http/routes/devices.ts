import Type from 'typebox';
import { API_PREFIX, Device, DeviceUpdate, IdParams } from '../../../../shared/api/schemas';
import type { ServerContext } from '../../context';
import { deviceView } from '../../api-views';
import type { App } from '../app-type';
import { OFFICE_ROLES, authorize, bearer, caller } from '../authn';
import { notFound } from '../errors';
import { displayFieldOf, errors, requireDevice } from './helpers';

/** Devices are the company's drivers, named by its display-field preference, with their last position. */
export function deviceRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorize(ctx, ...OFFICE_ROLES);

  app.get(
    `${API_PREFIX}/devices`,
    {
      schema: {
        summary: "List the company's devices (drivers) with their last position",
        tags: ['devices'],
        security: bearer,
        response: { 200: Type.Array(Device), ...errors(401, 403) },
      },
      onRequest,
    },
    (req) => {
      const { companyId } = caller(req);
      const field = displayFieldOf(ctx, companyId);
      const latest = new Map(ctx.positions.latestOfCompanyDevices(companyId).map((p) => [p.user_pk, p]));
      const status = ctx.deviceStatus.ofCompany(companyId);
      return ctx.users.list(companyId, 'driver').map((u) => deviceView(u, field, latest.get(u.pk), status.get(u.pk) ?? null));
    },
  );

  app.get(
    `${API_PREFIX}/devices/:id`,
    {
      schema: {
        summary: 'One device with its last position',
        tags: ['devices'],
        security: bearer,
        params: IdParams,
        response: { 200: Device, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const { companyId } = caller(req);
      const u = requireDevice(ctx, companyId, req.params.id);
      return deviceView(u, displayFieldOf(ctx, companyId), ctx.positions.latest(u.pk), ctx.deviceStatus.get(u.pk));
    },
  );

  app.patch(
    `${API_PREFIX}/devices/:id`,
    {
      schema: {
        summary: "Change a device's profile fields (null clears one)",
        tags: ['devices'],
        security: bearer,
        params: IdParams,
        body: DeviceUpdate,
        response: { 200: Device, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const { companyId } = caller(req);
      const u = requireDevice(ctx, companyId, req.params.id);
      const updated = ctx.users.update(companyId, u.user_id, req.body);
      if (!updated) throw notFound(`no device "${u.user_id}"`);
      return deviceView(updated, displayFieldOf(ctx, companyId), ctx.positions.latest(updated.pk), ctx.deviceStatus.get(updated.pk));
    },
  );
}
