import Type from 'typebox';
import { OWNTRACKS_PATH, OWNTRACKS_REALM, type OwntracksReply } from '../../../../shared/protocol/owntracks';
import type { ServerContext } from '../../context';
import { resolveDevice } from '../../devices/device-keys';
import { basicCredentials, friendsReply, parseOwntracksBody } from '../../ingest/owntracks-adapter';
import type { UserRow } from '../../store/users';
import type { App } from '../app-type';
import { DomainError, unauthorized } from '../errors';
import { countFailure, keysOf } from '../attempts';
import { acceptAnyBodyAsText, bodyText, guardPhoneRoutes, ingestFor } from './phone-delivery';
import { errors } from './helpers';

/** Every credential problem asks for Basic credentials again, so the app prompts for them. */
const refuse = (message: string) => unauthorized(message, { challenge: `Basic realm="${OWNTRACKS_REALM}"` });

/**
 * Who is posting: Basic auth with the driver's user id as user name and the device key as
 * password. An empty user name falls back to the X-Limit-U header; with neither, the key alone
 * identifies the driver (it is unique). Every credential problem is answered 401 with the Basic
 * challenge, so the app asks for its credentials again.
 */
function authenticate(ctx: ServerContext, headers: Record<string, string | string[] | undefined>, remote: string): UserRow {
  const credentials = basicCredentials(typeof headers.authorization === 'string' ? headers.authorization : undefined);
  if (!credentials?.password) {
    throw refuse('OwnTracks must authenticate: in its HTTP settings set Authentication on, UserID = your FleetDesk user id, Password = your device key');
  }
  const limitU = headers['x-limit-u'];
  const userId = credentials.user || (typeof limitU === 'string' ? limitU.trim() : '');
  // A key of another user is answered exactly as an unknown one: the answer must not tell a
  // guesser that a key exists. The app labels this field "Password": an unknown value may be
  // someone's real password, so it is never shown (resolveDevice records only identifiers a
  // company has a claim on).
  const wrong = () => {
    countFailure(ctx, [keysOf(ctx).phone(remote)]);
    return refuse('no driver has this user id and device key: use your FleetDesk user id as the username and the device key shown in the console as the password');
  };
  let device: UserRow;
  try {
    device = resolveDevice(ctx.users, ctx.unknownDevices, credentials.password, 'owntracks', remote);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    throw err.details.guess ? wrong() : refuse(err.message);
  }
  if (userId && device.user_id !== userId) throw wrong();
  return device;
}

function reply(ctx: ServerContext, device: UserRow): OwntracksReply {
  if (!ctx.companies.get(device.company_id)?.owntracks_friends) return [];
  const latest = new Map(ctx.positions.latestOfCompanyDevices(device.company_id).map((p) => [p.user_id, p]));
  const friends = ctx.users
    .list(device.company_id, 'driver')
    .filter((u) => !u.disabled)
    .map((u) => ({ user_id: u.user_id, name: u.display_name || u.user_id, latest: latest.get(u.user_id) ?? null }));
  return friendsReply(device.user_id, friends);
}

/**
 * OwnTracks in HTTP mode: one JSON message per POST; the reply is a JSON array, `[]` or, when
 * the company shares positions with OwnTracks (owntracks_friends), the other drivers' cards
 * and latest locations.
 */
export function owntracksRoutes(app: App, ctx: ServerContext): void {
  app.register(async (sub: App) => {
    // Card messages carry a face image: allow the app-wide limit here.
    acceptAnyBodyAsText(sub, 1024 * 1024);
    guardPhoneRoutes(sub, ctx);
    sub.post(
      OWNTRACKS_PATH,
      {
        schema: {
          summary: 'OwnTracks HTTP mode: one message (Basic auth: user id / device key); replies friends as a JSON array',
          tags: ['phones'],
          response: {
            200: Type.Array(Type.Object({ _type: Type.String(), tid: Type.String() }, { additionalProperties: true }), {
              description: '[] or the company’s other drivers as OwnTracks cards and locations',
            }),
            ...errors(400, 401, 413, 429, 503),
          },
        },
      },
      async (req, res) => {
        const device = authenticate(ctx, req.headers, req.ip);
        const now = ctx.clock.now();
        const message = parseOwntracksBody(bodyText(req.body), now);
        if (message.kind !== 'ignored') await ingestFor(ctx, device, { deviceKey: device.device_key, report: message.report }, 'owntracks', now);
        return res.code(200).send(reply(ctx, device));
      },
    );
  });
}
