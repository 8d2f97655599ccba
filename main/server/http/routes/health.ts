import { API_PREFIX, Health } from '../../../../shared/api/schemas';
import type { ServerContext } from '../../context';
import type { App } from '../app-type';

export function healthRoutes(app: App, ctx: ServerContext): void {
  app.get(
    `${API_PREFIX}/health`,
    { schema: { summary: 'Liveness, no authentication', tags: ['server'], response: { 200: Health } } },
    () => ({
      status: 'ok' as const,
      version: ctx.version,
      uptime_s: Math.round((ctx.clock.now() - ctx.startedAt) / 1000),
      schema_version: ctx.storage.schemaVersion(),
    }),
  );
}
