import type { ServerContext } from '../../context';
import type { App } from '../app';
import { consoleRoutes } from '../static';
import { authRoutes } from './auth';
import { companyRoutes } from './companies';
import { deviceRoutes } from './devices';
import { driverLocationRoutes } from './driver-location';
import { healthRoutes } from './health';
import { loginLinkRoutes } from './login-link';
import { positionRoutes } from './positions';
import { serverInfoRoutes } from './server-info';
import { userRoutes } from './users';
import { alertRoutes } from './alerts';
import { accidentRoutes } from './accidents';
import { apiKeyRoutes } from './api-keys';
import { deviceKeyRoutes } from './device-keys';
import { driverSessionRoutes } from './driver-session';
import { unknownDeviceRoutes } from './unknown-devices';
import { osmandRoutes } from './osmand';
import { owntracksRoutes } from './owntracks';
import { gpsloggerRoutes } from './gpslogger';

export function registerRoutes(app: App, ctx: ServerContext): void {
  healthRoutes(app, ctx);
  authRoutes(app, ctx);
  driverLocationRoutes(app, ctx);
  companyRoutes(app, ctx);
  deviceRoutes(app, ctx);
  positionRoutes(app, ctx);
  userRoutes(app, ctx);
  loginLinkRoutes(app, ctx);
  serverInfoRoutes(app, ctx);
  deviceKeyRoutes(app, ctx);
  driverSessionRoutes(app, ctx);
  unknownDeviceRoutes(app, ctx);
  alertRoutes(app, ctx);
  accidentRoutes(app, ctx);
  apiKeyRoutes(app, ctx);
  osmandRoutes(app, ctx);
  owntracksRoutes(app, ctx);
  gpsloggerRoutes(app, ctx);
  // Last: its catch-all GET answers the console for every path no API route claims.
  consoleRoutes(app, ctx);
}
