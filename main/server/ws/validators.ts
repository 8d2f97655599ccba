import { Compile } from 'typebox/compile';
import { AlertMessage, HeartbeatMessage, LocationBatchMessage } from '../../../shared/protocol/device';
import { AuthenticateMessage, DriverLocationMessage, HttpDriverLocationBody, SubscribeMessage } from '../../../shared/protocol/tracking';

export const validators = {
  authenticate: Compile(AuthenticateMessage),
  driverLocation: Compile(DriverLocationMessage),
  subscribe: Compile(SubscribeMessage),
  httpDriverLocation: Compile(HttpDriverLocationBody),
  locationBatch: Compile(LocationBatchMessage),
  heartbeat: Compile(HeartbeatMessage),
  alert: Compile(AlertMessage),
};

interface Validator {
  Errors(value: unknown): Iterable<{ instancePath: string; message: string }>;
}

/** The first schema error as one readable sentence: "payload.lat must be <= 90". */
export function describeError(v: Validator, value: unknown): string {
  for (const e of v.Errors(value)) {
    const where = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
    return where ? `${where} ${e.message}` : e.message;
  }
  return 'the message does not match the protocol';
}
