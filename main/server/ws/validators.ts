import { AlertMessage, HeartbeatMessage, LocationBatchMessage } from '../../../shared/protocol/device';
import { AuthenticateMessage, DriverLocationMessage, SubscribeMessage } from '../../../shared/protocol/tracking';
import { schemaCheck } from '../../../shared/schema-check';

/** Every client message of the Tracking API, checked against its schema (shared/protocol). */
export const validators = {
  authenticate: schemaCheck(AuthenticateMessage),
  driverLocation: schemaCheck(DriverLocationMessage),
  subscribe: schemaCheck(SubscribeMessage),
  locationBatch: schemaCheck(LocationBatchMessage),
  heartbeat: schemaCheck(HeartbeatMessage),
  alert: schemaCheck(AlertMessage),
};
