import Type from 'typebox';
import { GPSLOGGER_PATH } from '../../../../shared/protocol/gpslogger';
import type { ServerContext } from '../../context';
import { fromGpsloggerParams } from '../../ingest/gpslogger-adapter';
import { formParams, queryOf } from '../../ingest/wire-values';
import type { App } from '../app-type';
import { badRequest } from '../errors';
import { acceptAnyBodyAsText, bodyText, deliver, emptyOk, guardPhoneRoutes, looksLikeJson } from './phone-delivery';
import { errors } from './helpers';

/** A JSON object body's scalar fields as parameters (a user may template the body as JSON). */
function jsonParams(text: string): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badRequest('the body is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw badRequest('the JSON body must be one object of parameters');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(json)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  return out;
}

/**
 * GPSLogger for Android's custom URL. GET or POST; parameters in the query and/or the body (a
 * form, with or without a Content-Type, or a JSON object); the query wins where both name a
 * parameter. Answers as the OsmAnd route does: 200 with an empty body.
 */
export function gpsloggerRoutes(app: App, ctx: ServerContext): void {
  app.register(async (sub: App) => {
    acceptAnyBodyAsText(sub);
    guardPhoneRoutes(sub, ctx);
    sub.route({
      method: ['GET', 'POST'],
      url: GPSLOGGER_PATH,
      schema: {
        summary: 'GPSLogger custom URL: one position (key=DEVICE_KEY, lat, lon, time ISO, spd in m/s…)',
        tags: ['phones'],
        response: { 200: Type.Null({ description: 'delivered: stored, or dropped for good (0,0, a date before 2000, a duplicate…; counted in the device’s reception); empty body' }), ...errors(400, 401, 404, 413, 429, 503) },
      },
      handler: async (req, reply) => {
        const text = bodyText(req.body).trim();
        const fromBody = !text ? {} : req.headers['content-type']?.includes('json') || looksLikeJson(text) ? jsonParams(text) : formParams(text);
        const params = { ...fromBody, ...formParams(queryOf(req.url)) };
        const now = ctx.clock.now();
        const r = fromGpsloggerParams(params, now);
        await deliver(ctx, [r], 'gpslogger', req.ip, now);
        return emptyOk(reply);
      },
    });
  });
}
