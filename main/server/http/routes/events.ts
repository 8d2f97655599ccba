import Type from 'typebox';
import { API_PREFIX } from '../../../../shared/api/schemas';
import { EventQuery, LoggedEvent } from '../../../../shared/api/events';
import type { ServerContext } from '../../context';
import type { App } from '../app-type';
import { authorizeDataset, bearerOrApiKey, datasetCompany } from '../authn';
import { errors } from './helpers';

const security = bearerOrApiKey;

/** The company's durable event log (trip and accident stages), oldest first; page with ?after=<last id>. */
export function eventRoutes(app: App, ctx: ServerContext): void {
  app.get(
    `${API_PREFIX}/events`,
    {
      schema: {
        summary: 'Logged events (IncomingTrackReceived, TrackEnrichmentFinished, Accident…) in order; page with ?after=',
        tags: ['events'],
        security,
        querystring: EventQuery,
        response: { 200: Type.Array(LoggedEvent), ...errors(400, 401, 403) },
      },
      onRequest: authorizeDataset(ctx),
    },
    (req) => ctx.events.list(datasetCompany(req), req.query.after ?? 0, req.query.limit ?? 100),
  );
}
