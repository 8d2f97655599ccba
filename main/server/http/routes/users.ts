import Type from 'typebox';
import { API_PREFIX, IdParams, User, UserCreate, UserQuery, UserUpdate } from '../../../../shared/api/schemas';
import { addUser, passwordHashFor, requireUser } from '../../accounts';
import type { ServerContext } from '../../context';
import type { UserChanges } from '../../store/users';
import { userView } from '../../api-views';
import type { App } from '../app-type';
import { authorize, bearer, caller } from '../authn';
import { badRequest, notFound } from '../errors';
import { errors } from './helpers';

/** Company users (admins, office staff, drivers); admins only, always within the caller's company. */
export function userRoutes(app: App, ctx: ServerContext): void {
  const onRequest = authorize(ctx, 'admin');
  const accounts = ctx.accounts;

  app.get(
    `${API_PREFIX}/users`,
    {
      schema: {
        summary: "List the company's users, optionally of one role",
        tags: ['users'],
        security: bearer,
        querystring: UserQuery,
        response: { 200: Type.Array(User), ...errors(400, 401, 403) },
      },
      onRequest,
    },
    (req) => ctx.users.list(caller(req).companyId, req.query.role).map(userView),
  );

  app.get(
    `${API_PREFIX}/users/:id`,
    {
      schema: {
        summary: 'One user',
        tags: ['users'],
        security: bearer,
        params: IdParams,
        response: { 200: User, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    (req) => userView(requireUser(accounts, caller(req).companyId, req.params.id)),
  );

  app.post(
    `${API_PREFIX}/users`,
    {
      schema: {
        summary: 'Add a user (drivers get no password; they use a device token)',
        tags: ['users'],
        security: bearer,
        body: UserCreate,
        response: { 201: User, ...errors(400, 401, 403, 409) },
      },
      onRequest,
    },
    async (req, reply) => {
      const { id, ...rest } = req.body;
      const row = await addUser(accounts, { ...rest, companyId: caller(req).companyId, userId: id });
      return reply.code(201).send(userView(row));
    },
  );

  app.patch(
    `${API_PREFIX}/users/:id`,
    {
      schema: {
        summary: "Change a user's role, password, disabled flag or profile",
        description: 'Changing the role or disabling a user revokes its tokens. An admin cannot disable or demote themself.',
        tags: ['users'],
        security: bearer,
        params: IdParams,
        body: UserUpdate,
        response: { 200: User, ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    async (req) => {
      const p = caller(req);
      const { password, ...changes }: UserUpdate = req.body;
      const target = requireUser(accounts, p.companyId, req.params.id);
      if (target.pk === p.userPk) {
        if (changes.disabled === true) throw badRequest('you cannot disable yourself; ask another admin');
        if (changes.role !== undefined && changes.role !== 'admin') throw badRequest('you cannot change your own role; ask another admin');
      }
      const role = changes.role ?? target.role;
      if (role === 'driver' && password !== undefined) throw badRequest('drivers have no password; they connect with a token');
      const update: UserChanges = { ...changes };
      if (changes.role === target.role) delete update.role; // an unchanged role must not revoke the user's tokens
      if (password !== undefined) update.password_hash = await passwordHashFor(password);
      else if (role === 'driver' && target.role !== 'driver') update.password_hash = null; // drivers never sign in with a password
      const row = ctx.users.update(p.companyId, target.user_id, update);
      if (!row) throw notFound(`no user "${target.user_id}"`);
      ctx.access.changed(row.pk);
      return userView(row);
    },
  );

  app.delete(
    `${API_PREFIX}/users/:id`,
    {
      schema: {
        summary: 'Delete a user; a driver takes its position history with it',
        tags: ['users'],
        security: bearer,
        params: IdParams,
        response: { 204: Type.Null({ description: 'deleted' }), ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    async (req, reply) => {
      const p = caller(req);
      if (req.params.id === p.userId) throw badRequest('you cannot delete yourself; ask another admin');
      const gone = ctx.users.get(p.companyId, req.params.id);
      if (!gone || !ctx.users.delete(p.companyId, req.params.id)) throw notFound(`no user "${req.params.id}"`);
      ctx.access.changed(gone.pk);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${API_PREFIX}/users/:id/revoke-tokens`,
    {
      schema: {
        summary: 'Make every token issued to the user so far stop working',
        tags: ['users'],
        security: bearer,
        params: IdParams,
        response: { 204: Type.Null({ description: 'revoked' }), ...errors(400, 401, 403, 404) },
      },
      onRequest,
    },
    async (req, reply) => {
      const p = caller(req);
      if (!ctx.users.revokeTokens(p.companyId, req.params.id)) throw notFound(`no user "${req.params.id}"`);
      const user = ctx.users.get(p.companyId, req.params.id);
      if (user) ctx.access.changed(user.pk);
      return reply.code(204).send(null);
    },
  );
}
