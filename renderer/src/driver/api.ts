/** The two REST calls of the driver app: redeem an enrolment code, and a fresh token from the device key. */
import type { DriverSession } from '../../../shared/api/schemas';

export class DriverApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

async function post(path: string, body: unknown): Promise<DriverSession> {
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new DriverApiError(0, 'Network', 'the server cannot be reached');
  }
  const data = (await res.json().catch(() => null)) as (DriverSession & { error?: string; message?: string }) | null;
  if (!res.ok || !data) throw new DriverApiError(res.status, data?.error ?? 'Error', data?.message ?? `the server answered ${res.status}`);
  return data;
}

export const enrol = (code: string): Promise<DriverSession> => post('/api/v1/driver/enrol', { code });
export const newSession = (deviceKey: string): Promise<DriverSession> => post('/api/v1/driver/session', { device_key: deviceKey });
