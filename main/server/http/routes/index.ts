import type { ServerContext } from '../../context';
import type { App } from '../app';
import { authRoutes } from './auth';
import { companyRoutes } from './companies';
import { deviceRoutes } from './devices';
import { driverLocationRoutes } from './driver-location';
import { healthRoutes } from './health';
import { positionRoutes } from './positions';
import { userRoutes } from './users';

export function registerRoutes(app: App, ctx: ServerContext): void {
  healthRoutes(app, ctx);
  authRoutes(app, ctx);
  driverLocationRoutes(app, ctx);
  companyRoutes(app, ctx);
  deviceRoutes(app, ctx);
  positionRoutes(app, ctx);
  userRoutes(app, ctx);
}
