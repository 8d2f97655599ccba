import Type from 'typebox';
import type { ServerContext } from '../../context';
import { fromOsmandParams, fromTraccarJson, type PhoneReport } from '../../ingest/osmand-adapter';
import { formParams, queryOf } from '../../ingest/wire-values';
import { OSMAND_PATH } from '../../../../shared/protocol/osmand';
import type { App } from '../app-type';
import { badRequest } from '../errors';
import { acceptAnyBodyAsText, bodyText, deliver, emptyOk, guardPhoneRoutes, looksLikeJson } from './phone-delivery';
import { errors } from './helpers';

/**
 * The OsmAnd protocol (Traccar Client, OsmAnd, Traccar-compatible apps) at /osmand on the main
 * port and at / on the OsmAnd port. GET or POST: parameters in the query, or in a form body
 * (with or without a Content-Type) when the query is empty; Traccar Client 9's JSON body when
 * the Content-Type says JSON or a body that is not a declared form looks like it. 200 with an empty body on
 * success, as Traccar answers.
 */
export function osmandRoutes(app: App, ctx: ServerContext): void {
  app.register(async (sub: App) => {
    acceptAnyBodyAsText(sub);
    guardPhoneRoutes(sub, ctx);
    sub.route({
      method: ['GET', 'POST'],
      url: OSMAND_PATH,
      schema: {
        summary: 'OsmAnd protocol: one position (query or form: id=DEVICE_KEY, lat, lon, timestamp, speed in knots…) or a Traccar Client JSON body',
        tags: ['phones'],
        response: { 200: Type.Null({ description: 'delivered: stored, or dropped for good (0,0, a date before 2000, a duplicate…; counted in the device’s reception); empty body' }), ...errors(400, 401, 404, 413, 429, 503) },
      },
      handler: async (req, reply) => {
        const now = ctx.clock.now();
        const text = bodyText(req.body);
        const contentType = req.headers['content-type'];
        let reports: PhoneReport[];
        if (contentType?.includes('json') || (!contentType?.includes('form-urlencoded') && looksLikeJson(text))) {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            throw badRequest('the body is not valid JSON');
          }
          reports = fromTraccarJson(json, now);
        } else {
          const query = queryOf(req.url);
          const params = formParams(query || text);
          reports = [fromOsmandParams(params, now)];
        }
        await deliver(ctx, reports, 'osmand', req.ip, now);
        return emptyOk(reply);
      },
    });
  });
}
