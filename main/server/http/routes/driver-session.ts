import { API_PREFIX, DriverSession, DriverSessionBody, EnrolBody } from '../../../../shared/api/schemas';
import { MAX_BATCH_POSITIONS } from '../../../../shared/protocol/device';
import { DomainError } from '../../errors';
import type { ServerContext } from '../../context';
import { redeemLink } from '../../login-links';
import type { UserRow } from '../../store/users';
import { deviceName } from '../../api-views';
import type { App } from '../app-type';
import { assertNotLocked, countFailure, keysOf } from '../attempts';
import { unauthorized } from '../errors';
import { errors } from './helpers';

/** A refusal of a real (replaced or disabled) key: answered 401, not counted as a guess. */
class NotAGuess extends Error {}

/** How often the driver app sends a heartbeat. */
export const HEARTBEAT_INTERVAL_S = 180;

/**
 * The driver web app's sign-in: an enrolment link gives it the device key once; the device key
 * gets it a token for /v1/track whenever it needs one. Failures count per client address with
 * every phone route's (http/attempts.ts), so keys cannot be guessed at speed.
 */
export function driverSessionRoutes(app: App, ctx: ServerContext): void {
  const session = (user: UserRow): DriverSession => {
    const company = ctx.companies.get(user.company_id);
    const { token, expiresAt } = ctx.tokens.sign(
      { userId: user.user_id, userPk: user.pk, role: 'driver', company: user.company_id, tokenVersion: user.token_version },
      ctx.config.sessionTtlSeconds,
    );
    return {
      token,
      expires_at: expiresAt.toISOString(),
      device_key: user.device_key,
      user_id: user.user_id,
      company_id: user.company_id,
      company_name: company?.name ?? user.company_id,
      name: deviceName(user, company?.display_field ?? 'display_name'),
      settings: {
        crash_threshold_g: company?.crash_threshold_g ?? 4,
        heartbeat_interval_s: HEARTBEAT_INTERVAL_S,
        min_interval_ms: 1000,
        max_batch: MAX_BATCH_POSITIONS,
      },
    };
  };

  // Guesses count per address, with every phone route's: device keys and codes cannot be
  // guessed at speed. A replaced key or a disabled driver is no guess and is not counted, so a
  // phone that keeps trying its old key never locks out the phones beside it.
  const limited = (ip: string, attempt: () => UserRow): DriverSession => {
    const keys = [keysOf(ctx).phone(ip)];
    assertNotLocked(ctx, keys);
    let user: UserRow;
    try {
      user = attempt();
    } catch (err) {
      if (err instanceof NotAGuess) throw unauthorized(err.message);
      if (!(err instanceof DomainError)) throw err;
      countFailure(ctx, keys);
      throw unauthorized(err.message);
    }
    return session(user);
  };

  app.post(
    `${API_PREFIX}/driver/enrol`,
    {
      schema: {
        summary: 'Driver app: redeem a one-time enrolment link; returns the device key and a token',
        tags: ['phones'],
        body: EnrolBody,
        response: { 200: DriverSession, ...errors(400, 401, 429) },
      },
    },
    (req) =>
      limited(req.ip, () => {
        const user = redeemLink(ctx.accounts, req.body.code, 'enrol');
        if (user.role !== 'driver') throw new DomainError('NotFound', 'this enrolment link is not for a driver');
        return user;
      }),
  );

  app.post(
    `${API_PREFIX}/driver/session`,
    {
      schema: {
        summary: 'Driver app: a new token for /v1/track from the device key',
        tags: ['phones'],
        body: DriverSessionBody,
        response: { 200: DriverSession, ...errors(400, 401, 429) },
      },
    },
    (req) =>
      limited(req.ip, () => {
        const user = ctx.users.getByDeviceKey(req.body.device_key);
        if (user?.role === 'driver' && user.disabled) throw new NotAGuess('this driver is disabled; ask the office');
        if (user?.role === 'driver') return user;
        if (ctx.users.retired(req.body.device_key)) throw new NotAGuess('this device key was replaced by the office; ask the office for a new link');
        throw new DomainError('NotFound', 'this device key is not valid; ask the office for a new link');
      }),
  );
}
