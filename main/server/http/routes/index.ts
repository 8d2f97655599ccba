import type { ServerContext } from '../../context';
import type { App } from '../app';
import { authRoutes } from './auth';
import { driverLocationRoutes } from './driver-location';
import { healthRoutes } from './health';

export function registerRoutes(app: App, ctx: ServerContext): void {
  healthRoutes(app, ctx);
  authRoutes(app, ctx);
  driverLocationRoutes(app, ctx);
}
