/** The two REST calls of the driver app: redeem an enrolment code, and a fresh token from the device key. */
import type { DriverSession } from '../../../shared/api/schemas';
import { request } from '../api/client';

export const enrol = (code: string): Promise<DriverSession> => request<DriverSession>('', 'POST', '/driver/enrol', { body: { code } });
export const newSession = (deviceKey: string): Promise<DriverSession> => request<DriverSession>('', 'POST', '/driver/session', { body: { device_key: deviceKey } });
