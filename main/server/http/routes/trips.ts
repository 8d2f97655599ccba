import Type from 'typebox';
import { API_PREFIX, IdParams } from '../../../../shared/api/schemas';
import { EXPORT_FORMATS, IncomingTrack, RichTrack, TripQuery, TripSummary, type ExportFormat } from '../../../../shared/api/trips';
import type { ServerContext } from '../../context';
import { processTrack } from '../../trips/process';
import { incomingView, removedSummary, richSummary, richView } from '../../trips/track-views';
import type { App } from '../app-type';
import { authorizeDataset, bearerOrApiKey, datasetCompany } from '../authn';
import { badRequest, notFound } from '../errors';
import { CONTENT_TYPES, contentDisposition, fromIncoming, fromRich, renderExport } from '../exports/index';
import { errors } from './helpers';

const security = bearerOrApiKey;

const TrackIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'track id (uuid)' }) });
const ExportQuery = Type.Object({
  format: Type.Union(
    EXPORT_FORMATS.map((f) => Type.Literal(f)),
    { description: 'gpx (GPX 1.1), geojson (RFC 7946) or csv (header row, SI units)' },
  ),
});
const DAY_MS = 24 * 3600_000;
const fileResponse = {
  description: 'the track as a file (Content-Disposition: attachment)',
  content: Object.fromEntries(Object.values(CONTENT_TYPES).map((t) => [t.split(';')[0], { schema: { type: 'string' } }])),
};

/** [from, to) of a trip query: default today 00:00 UTC for a day. */
export function period(q: Pick<TripQuery, 'from' | 'to'>, now: number): { from: number; to: number } {
  const from = q.from ? Date.parse(q.from) : Math.floor(now / DAY_MS) * DAY_MS;
  const to = q.to ? Date.parse(q.to) : from + DAY_MS;
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw badRequest('from and to must be ISO-8601 date-times');
  if (to <= from) throw badRequest('to must be after from');
  if (to - from > 366 * DAY_MS) throw badRequest('a period is at most 366 days');
  return { from, to };
}

/**
 * Trips and tracks — the datasets notifications point to. An office/admin token or a company
 * API key; another company's ids answer 404 as if they did not exist.
 */
export function tripRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorizeDataset(ctx);
  const tags = ['trips'];

  const rich = (companyId: string, id: string) => {
    const r = ctx.trips.store.rich(companyId, id);
    if (!r) throw notFound(`no rich track ${id}`);
    return richView(r, r.user_id);
  };
  const incoming = (companyId: string, id: string) => {
    const t = ctx.trips.store.trip(companyId, id);
    if (!t) throw notFound(`no incoming track ${id}`);
    return incomingView(t, t.user_id, ctx.trips.store.positions(t.user_pk, t.start_time, t.end_time));
  };

  app.get(
    `${API_PREFIX}/devices/:id/trips`,
    {
      schema: {
        summary: "A device's trips over a period: current processed tracks and removed raw tracks, by start",
        tags,
        security,
        params: IdParams,
        querystring: TripQuery,
        response: { 200: Type.Array(TripSummary), ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => {
      const companyId = datasetCompany(req);
      const device = ctx.users.get(companyId, req.params.id);
      if (!device) throw notFound(`no device "${req.params.id}"`);
      const { from, to } = period(req.query, ctx.clock.now());
      const list = ctx.trips.store.richList(device.pk, from, to).map((r) => richSummary(r, device.user_id));
      if (req.query.removed !== false) {
        const s = ctx.trips.settings(companyId);
        for (const t of ctx.trips.store.removedList(device.pk, from, to)) {
          const fixes = ctx.trips.store.rawFixes(device.pk, t.start_time, t.end_time);
          list.push(removedSummary(t, device.user_id, processTrack(fixes, s)));
        }
      }
      return list.sort((a, b) => a.start.localeCompare(b.start));
    },
  );

  app.get(
    `${API_PREFIX}/tracks/rich/:id`,
    {
      schema: {
        summary: 'A processed track (RichTrack): summary, GeoJSON geometry with per-vertex times and speeds, driving events, stops',
        description: 'A track replaced by a merge still answers, with replaced_by set.',
        tags,
        security,
        params: TrackIdParams,
        response: { 200: RichTrack, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => rich(datasetCompany(req), req.params.id),
  );

  app.get(
    `${API_PREFIX}/tracks/incoming/:id`,
    {
      schema: {
        summary: 'A raw track (IncomingTrack): the positions as received, GPS jumps marked flagged',
        tags,
        security,
        params: TrackIdParams,
        response: { 200: IncomingTrack, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => incoming(datasetCompany(req), req.params.id),
  );

  for (const kind of ['rich', 'incoming'] as const) {
    app.get(
      `${API_PREFIX}/tracks/${kind}/:id/export`,
      {
        schema: {
          summary: `Export a ${kind === 'rich' ? 'processed' : 'raw'} track as GPX 1.1, GeoJSON or CSV`,
          tags,
          security,
          params: TrackIdParams,
          querystring: ExportQuery,
          response: { 200: fileResponse, ...errors(400, 401, 403, 404) },
        },
        onRequest,
      },
      (req, reply) => {
        const companyId = datasetCompany(req);
        const format = req.query.format as ExportFormat;
        const track = kind === 'rich' ? fromRich(rich(companyId, req.params.id)) : fromIncoming(incoming(companyId, req.params.id));
        return reply
          .header('content-type', CONTENT_TYPES[format])
          .header('content-disposition', contentDisposition(track, format))
          .send(renderExport(track, format));
      },
    );
  }
}
