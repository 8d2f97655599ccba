import Type from 'typebox';
import { API_PREFIX, IdParams, LatestPosition, PositionPage, PositionQuery } from '../../../../shared/api/schemas';
import type { ServerContext } from '../../context';
import { deviceName, positionView } from '../../api-views';
import type { App } from '../app-type';
import { OFFICE_ROLES, authorize, bearer, caller } from '../authn';
import { badRequest } from '../errors';
import { displayFieldOf, errors, requireDevice } from './helpers';

const DAY_MS = 24 * 3600 * 1000;

/** The cursor is the last device time of a page (device times are unique per device), base64url. */
export const encodeCursor = (deviceTime: number): string => Buffer.from(String(deviceTime)).toString('base64url');

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^\d{1,16}$/.test(text) || encodeCursor(Number(text)) !== cursor) throw badRequest('cursor is not a next_cursor this server returned');
  return Number(text);
}

function parseTime(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`${name} "${value}" is not an ISO-8601 time`);
  return ms;
}

export function positionRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorize(ctx, ...OFFICE_ROLES);

  app.get(
    `${API_PREFIX}/positions/latest`,
    {
      schema: {
        summary: 'The last known position of every device of the company',
        tags: ['positions'],
        security: bearer,
        response: { 200: Type.Array(LatestPosition), ...errors(401, 403) },
      },
      onRequest,
    },
    (req) => {
      const { companyId } = caller(req);
      const field = displayFieldOf(ctx, companyId);
      const drivers = new Map(ctx.users.list(companyId, 'driver').map((u) => [u.pk, u]));
      return ctx.positions.latestOfCompanyDevices(companyId).flatMap((p) => {
        const u = drivers.get(p.user_pk);
        return u ? [{ id: u.user_id, name: deviceName(u, field), position: positionView(p) }] : [];
      });
    },
  );

  app.get(
    `${API_PREFIX}/devices/:id/positions`,
    {
      schema: {
        summary: "A device's positions with from ≤ device_time < to, oldest first, in pages",
        description: 'Without `from`/`to`, the last 24 hours. Pass `next_cursor` as `cursor` (with the same from/to) for the next page; it is null on the last page.',
        tags: ['positions'],
        security: bearer,
        params: IdParams,
        querystring: PositionQuery,
        response: { 200: PositionPage, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const { companyId } = caller(req);
      const u = requireDevice(ctx, companyId, req.params.id);
      const q = req.query;
      const to = parseTime('to', q.to, ctx.clock.now());
      const from = parseTime('from', q.from, to - DAY_MS);
      if (from >= to) throw badRequest('from must be before to');
      const limit = q.limit ?? 1000;
      const start = q.cursor === undefined ? from : Math.max(from, decodeCursor(q.cursor) + 1);
      // One row more than asked tells whether another page follows.
      const rows = ctx.positions.range(u.pk, start, to, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page.map(positionView), next_cursor: rows.length > limit && last ? encodeCursor(last.device_time) : null };
    },
  );
}
